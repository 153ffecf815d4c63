import cors from "@fastify/cors";
import { installIntegratorAuth } from "../http/integrator-api.js";
import { createSessionCors, createSessionRoute, sessionRoutes } from "../sessions/routes.js";
import { lifecycleRoutes } from "../verification/routes.js";
import { sessionListRoutes } from "../sessions/list-routes.js";
import { mediaRoutes } from "../media/routes.js";
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
  async register(app, { services }) {
    const { integrations, sessions, sessionList, lifecycle, reads, erasure, media, mediaWork, webhooks } = services;
    for (const prefix of API_PREFIXES) {
      await app.register(
        async (api) => {
          await api.register(cors, createSessionCors);
          installIntegratorAuth(api, integrations);
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
  },
};
