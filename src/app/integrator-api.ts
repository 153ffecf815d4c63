import type { FastifyInstance } from "fastify";
import cors from "@fastify/cors";
import { integratorScope } from "../http/integrator-api.js";
import { createSessionCors, createSessionRoute, sessionRoutes } from "../sessions/routes.js";
import { lifecycleRoutes } from "../verification/routes.js";
import { sessionListRoutes } from "../sessions/list-routes.js";
import { mediaRoutes } from "../media/routes.js";
import { webhookRoutes } from "../webhooks/routes.js";
import type { Services } from "./compose.js";

/**
 * The integrator API: every capability's routes, inside one authenticated, response-signing scope.
 * Served twice, under our own prefix and under Veriff's `/v1`.
 */
export const API_PREFIXES = ["/earthid/api", "/v1"] as const;

export async function registerIntegratorApi(app: FastifyInstance, services: Services): Promise<void> {
  const { integrations, sessions, sessionList, lifecycle, reads, erasure, media, mediaWork, webhooks } = services;
  for (const prefix of API_PREFIXES) {
    await app.register(
      async (api) => {
        await api.register(cors, createSessionCors);
        integratorScope(api, integrations);
        await api.register(createSessionRoute, { sessions });
        await api.register(sessionRoutes, { sessions });
        await api.register(mediaRoutes, { media, work: mediaWork });
        await api.register(lifecycleRoutes, { sessions, lifecycle, reads, erasure });
        await api.register(sessionListRoutes, { list: sessionList });
        await api.register(webhookRoutes, { webhooks });
      },
      { prefix },
    );
  }
}
