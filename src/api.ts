import type { FastifyInstance } from "fastify";
import cors from "@fastify/cors";
import type { Runtime } from "./runtime.js";
import { integratorScope } from "./http/integrator-api.js";
import type { SessionService } from "./sessions/service.js";
import { createSessionCors, createSessionRoute, sessionRoutes } from "./sessions/routes.js";
import { mediaRoutes } from "./media/routes.js";
import { mediaServiceFor } from "./media/service.js";
import type { MediaWork } from "./media/work.js";
import { uploadGate } from "./media/upload-gate.js";
import { sessionLifecycleApi } from "./sessions/lifecycle-routes.js";
import { webhookRoutes } from "./webhooks/routes.js";
import { deliveryRepo } from "./webhooks/repo.js";
import { webhookService } from "./webhooks/service.js";

export interface ApiServices {
  runtime: Runtime;
  sessions: SessionService;
  /** The media worker threads; their owner (src/app.ts) closes them with the server. */
  work: MediaWork;
}

/**
 * The integrator API: every capability's routes, inside one authenticated, response-signing scope.
 * Served twice, under our own prefix and under Veriff's `/v1`.
 */
export const API_PREFIXES = ["/earthid/api", "/v1"] as const;

export async function registerIntegratorApi(app: FastifyInstance, services: ApiServices): Promise<void> {
  const { work } = services;
  // One count for both prefixes: the bound is the instance's memory.
  const gate = uploadGate({ perInstance: services.runtime.config.uploadsInFlight, perIntegration: services.runtime.config.uploadsInFlightPerIntegration });
  const media = mediaServiceFor(services.runtime, work);
  const { store, outbox, audit } = services.runtime;
  const webhooks = webhookService({ repo: deliveryRepo(store), audit, wake: outbox.wake });
  for (const prefix of API_PREFIXES) {
    await app.register(
      async (api) => {
        await api.register(cors, createSessionCors);
        integratorScope(api, services.runtime.integrations);
        await api.register(createSessionRoute, { sessions: services.sessions });
        await api.register(sessionRoutes, { sessions: services.sessions });
        await api.register(mediaRoutes, { media, work, gate });
        await api.register(sessionLifecycleApi, services);
        await api.register(webhookRoutes, { webhooks });
      },
      { prefix },
    );
  }
}
