import type { FastifyInstance } from "fastify";
import { hmacHex } from "../crypto/hmac.js";
import type { IntegrationService } from "../integrations/service.js";
import { integrationAuthenticator } from "./auth.js";

/**
 * The scope every integrator route lives in: API-key (and signature) check before validation, and a
 * signed response: x-auth-client / x-hmac-signature over the exact response bytes, with their vrf-
 * aliases, as Veriff does.
 */
export function integratorScope(app: FastifyInstance, integrations: Pick<IntegrationService, "findByApiKey">): void {
  app.decorateRequest("integration", null);
  app.addHook("preValidation", integrationAuthenticator(integrations));
  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("cache-control", "no-store");
    const integration = request.integration;
    if (!integration || (typeof payload !== "string" && !Buffer.isBuffer(payload))) return payload;
    const signature = hmacHex(integration.secret, payload);
    reply.header("x-auth-client", integration.apiKey);
    reply.header("vrf-auth-client", integration.apiKey);
    reply.header("x-hmac-signature", signature);
    reply.header("vrf-hmac-signature", signature);
    return payload;
  });
}
