import type { FastifyPluginAsync } from "fastify";
import type {} from "@fastify/swagger";
import type { Store } from "../store/db.js";
import type { Metrics } from "./metrics.js";
import type { MediaWork } from "../media/work.js";
import type { EngineState } from "../assessment/engine.js";
import { apiError } from "../errors.js";
import { secretsEqual } from "../crypto/hmac.js";

const HealthBody = { type: "object", properties: { status: { type: "string" } } } as const;
const ReadyBody = {
  type: "object",
  properties: {
    status: { type: "string" },
    store: { type: "string" },
    pendingMigrations: { type: "array", items: { type: "string" } },
    mediaWorkers: { type: "string", enum: ["answering", "not answering"] },
    engine: { type: "string", enum: ["loading", "failed"] },
    message: { type: "string" },
  },
} as const;

/** Liveness, readiness, Prometheus metrics and the OpenAPI document, for load balancers, monitoring and tooling. */
export const opsRoutes: FastifyPluginAsync<{ store: Store; metrics: Metrics; metricsToken: string | undefined; work: Pick<MediaWork, "answering">; engine: { state(): EngineState } }> = async (
  app,
  { store, metrics, metricsToken, work, engine },
) => {
  app.get("/health", { schema: { tags: ["operations"], summary: "Liveness", response: { 200: HealthBody } } }, async () => ({ status: "ok" }));

  app.get("/ready", { schema: { tags: ["operations"], summary: "Readiness: store reachable, migrations applied, media workers answering, engine models loaded", response: { 200: ReadyBody, 503: ReadyBody } } }, async (_request, reply) => {
    // Uploads and downloads wait on these threads: a pool that stopped answering serves neither.
    if (!work.answering()) {
      return reply.code(503).send({ status: "not_ready", store: store.kind, mediaWorkers: "not answering", message: "media worker threads have had work waiting and finished none of it for a while" });
    }
    // An instance that runs engine workers takes verification jobs only once their models are in.
    const engineState = engine.state();
    if (engineState === "loading" || engineState === "failed") {
      const message = engineState === "loading" ? "the engine workers are loading their models" : "an engine worker could not load its models (see the log)";
      return reply.code(503).send({ status: "not_ready", store: store.kind, engine: engineState, message });
    }
    try {
      await store.ping();
      const pending = await store.pendingMigrations();
      if (pending.length > 0) return reply.code(503).send({ status: "not_ready", store: store.kind, pendingMigrations: pending });
      return { status: "ready", store: store.kind, pendingMigrations: [] };
    } catch (error) {
      return reply.code(503).send({ status: "not_ready", store: store.kind, message: `store unreachable: ${(error as Error).message}` });
    }
  });

  // The same document /docs/json serves, at the path API tooling looks for first.
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  const BEARER = /^Bearer +(\S+)$/i;
  app.get("/metrics", { schema: { tags: ["operations"], summary: "Prometheus metrics (Authorization: Bearer <EARTHID_METRICS_TOKEN> when one is set)" } }, async (request, reply) => {
    if (metricsToken !== undefined) {
      const given = BEARER.exec(request.headers.authorization ?? "")?.[1];
      if (given === undefined || !secretsEqual(given, metricsToken)) {
        reply.header("www-authenticate", 'Bearer realm="metrics"');
        throw apiError("METRICS_TOKEN_REQUIRED");
      }
    }
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
