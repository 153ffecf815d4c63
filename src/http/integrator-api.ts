import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Actor } from "../audit/events.js";
import { hmacHex } from "../crypto/hmac.js";
import type { IntegrationService } from "../integrations/service.js";
import { integrationAuthenticator, signatureVerifier } from "./auth.js";

declare module "fastify" {
  interface FastifyReply {
    /**
     * A payload whose signature was worked out with it, off the event loop (a media file's bytes):
     * used when that very payload is sent, instead of hashing it again here.
     */
    presigned: { payload: Buffer; signature: string } | null;
  }
}

/** The actor of a request the integrator scope authenticated: the services take this, not the request. */
export function integratorActor(request: FastifyRequest): Actor {
  return { kind: "integrator", integrationId: request.integration!.id };
}

/**
 * The scope every integrator route lives in: the API key checked on arrival, the signature once the
 * body is read (before validation), and a
 * signed response: x-auth-client / x-hmac-signature over the exact response bytes, with their vrf-
 * aliases, as Veriff does.
 */
export function installIntegratorAuth(app: FastifyInstance, integrations: Pick<IntegrationService, "findByApiKey">): void {
  app.decorateRequest("integration", null);
  app.decorateReply("presigned", null);
  app.addHook("onRequest", integrationAuthenticator(integrations));
  app.addHook("preValidation", signatureVerifier());
  // A callback hook, not an async one: nothing here waits, so no promise per response.
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("cache-control", "no-store");
    const integration = request.integration;
    if (integration && (typeof payload === "string" || Buffer.isBuffer(payload))) {
      const signature = reply.presigned?.payload === payload ? reply.presigned.signature : hmacHex(integration.secret, payload);
      reply.header("x-auth-client", integration.apiKey);
      reply.header("vrf-auth-client", integration.apiKey);
      reply.header("x-hmac-signature", signature);
      reply.header("vrf-hmac-signature", signature);
    }
    done(null, payload);
  });
}
