import cors from "@fastify/cors";
import { installIntegratorAuth } from "../http/integrator-api.js";
import { createSessionCors, createSessionRoute, sessionRoutes } from "../sessions/routes.js";
import { lifecycleRoutes } from "../verification/routes.js";
import { sessionListRoutes } from "../sessions/list-routes.js";
import { mediaRoutes } from "../media/routes.js";
import { uploadGate } from "../media/upload-gate.js";
import { webhookRoutes } from "../webhooks/routes.js";
import type { Scope } from "./scope.js";

export const API_PREFIXES = ["/earthid/api", "/v1"] as const;

/**
 * The integrator API: X-AUTH-CLIENT and X-HMAC-SIGNATURE (http/auth.ts), signed JSON responses, the
 * JSON error body of src/errors.ts, CORS on session creation only. Every capability's integrator
 * routes, served twice, under our own prefix and under Veriff's `/v1`.
 */
export const integratorScope: Scope = {
  name: "integrator",
  async register(app, { services, config }) {
    const { integrations, sessions, sessionList, lifecycle, reads, erasure, media, mediaWork, webhooks } = services;
    // One count for both prefixes: the bound is the instance's memory (issue 14, finding 2).
    const gate = uploadGate({ perInstance: config.uploadsInFlight, perIntegration: config.uploadsInFlightPerIntegration });
    for (const prefix of API_PREFIXES) {
      await app.register(
        async (api) => {
          await api.register(cors, createSessionCors);
          installIntegratorAuth(api, integrations);
          await api.register(createSessionRoute, { sessions });
          await api.register(sessionRoutes, { sessions });
          await api.register(mediaRoutes, { media, work: mediaWork, gate });
          await api.register(lifecycleRoutes, { sessions, lifecycle, reads, erasure });
          await api.register(sessionListRoutes, { list: sessionList });
          await api.register(webhookRoutes, { webhooks });
        },
        { prefix },
      );
    }
  },
};
