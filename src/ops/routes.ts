import type { FastifyPluginAsync } from "fastify";
import type {} from "@fastify/swagger";
import type { Store } from "../store/db.js";
import type { Metrics } from "./metrics.js";

const HealthBody = { type: "object", properties: { status: { type: "string" } } } as const;
const ReadyBody = {
  type: "object",
  properties: { status: { type: "string" }, store: { type: "string" }, pendingMigrations: { type: "array", items: { type: "string" } }, message: { type: "string" } },
} as const;

/** Liveness, readiness, Prometheus metrics and the OpenAPI document, for load balancers, monitoring and tooling. */
export const opsRoutes: FastifyPluginAsync<{ store: Store; metrics: Metrics }> = async (app, { store, metrics }) => {
  app.get("/health", { schema: { tags: ["operations"], summary: "Liveness", response: { 200: HealthBody } } }, async () => ({ status: "ok" }));

  app.get("/ready", { schema: { tags: ["operations"], summary: "Readiness: store reachable, migrations applied", response: { 200: ReadyBody, 503: ReadyBody } } }, async (_request, reply) => {
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

  app.get("/metrics", { schema: { tags: ["operations"], summary: "Prometheus metrics" } }, async (_request, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
