import type { FastifyPluginAsync } from "fastify";
import type {} from "@fastify/swagger";
import type { Store } from "../store/db.js";
import type { Metrics } from "./metrics.js";
import type { MediaWork } from "../media/work.js";
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
    message: { type: "string" },
  },
} as const;

/** Liveness, readiness, Prometheus metrics and the OpenAPI document, for load balancers, monitoring and tooling. */
export const opsRoutes: FastifyPluginAsync<{ store: Store; metrics: Metrics; metricsToken: string | undefined; work: Pick<MediaWork, "answering"> }> = async (
  app,
  { store, metrics, metricsToken, work },
) => {
  app.get("/health", { schema: { tags: ["operations"], summary: "Liveness", response: { 200: HealthBody } } }, async () => ({ status: "ok" }));

  app.get("/ready", { schema: { tags: ["operations"], summary: "Readiness: store reachable, migrations applied, media workers answering", response: { 200: ReadyBody, 503: ReadyBody } } }, async (_request, reply) => {
    // Uploads and downloads wait on these threads: a pool that stopped answering serves neither.
    if (!work.answering()) {
      return reply.code(503).send({ status: "not_ready", store: store.kind, mediaWorkers: "not answering", message: "media worker threads have had work waiting and finished none of it for a while" });
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
