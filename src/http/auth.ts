import type { FastifyRequest } from "fastify";
import { apiError } from "../errors.js";
import { hmacMatches, isHexSha256 } from "../crypto/hmac.js";
import { verifyRequestStamp } from "./timestamped-auth.js";
import type { IntegrationAuth, IntegrationService } from "../integrations/service.js";
import { isUuid } from "../store/ids.js";

/**
 * What a route's signature covers. Veriff's endpoints keep Veriff's X-HMAC-SIGNATURE (docs/veriff-api.md
 * §1.3): over the raw body, optionally (session creation: browsers cannot hold the secret), or over
 * one path parameter such as the session id. Our own extensions take only the timestamped
 * x-earthid-signature over method, path, query and body (src/http/timestamped-auth.ts): Veriff's
 * scheme signs neither the method nor the time, so one captured signature would serve forever.
 */
export type SignedOver = { body: "required" | "optional" } | { param: string; label: string } | { timestamped: "extension" };

declare module "fastify" {
  interface FastifyContextConfig {
    signed?: SignedOver;
  }
  interface FastifyRequest {
    integration: IntegrationAuth | null;
    rawBody: Buffer | null;
    /** The HMAC of a media upload's body, set by its parser once it matched the request's signature. */
    rawBodyHmac: string | null;
  }
}

function header(request: FastifyRequest, name: string, alias: string): string | undefined {
  const value = request.headers[name] ?? request.headers[alias];
  return Array.isArray(value) ? value[0] : value;
}

/** X-HMAC-SIGNATURE (or its vrf- alias) as sent, undefined when absent. */
export const signatureHeader = (request: FastifyRequest): string | undefined => header(request, "x-hmac-signature", "vrf-hmac-signature");

/**
 * The onRequest hook of every integrator route: the API key is checked before the body is read, so
 * a caller without a valid key cannot make the server read and parse a large body. CORS preflights
 * carry no key and are answered by the CORS hook of the create route.
 */
export function integrationAuthenticator(integrations: Pick<IntegrationService, "findByApiKey">) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (request.method === "OPTIONS") return;
    const apiKey = header(request, "x-auth-client", "vrf-auth-client");
    if (!apiKey) throw apiError("AUTH_CLIENT_MISSING");
    if (!isUuid(apiKey)) throw apiError("AUTH_CLIENT_NOT_UUID");
    const integration = await integrations.findByApiKey(apiKey.toLowerCase());
    if (!integration) throw apiError("INTEGRATION_NOT_FOUND");
    if (!integration.active) throw apiError("INTEGRATION_INACTIVE");
    request.integration = integration;
  };
}

/** What the signature covers, in the words of a 1812 message. */
const signedOver = (signed: SignedOver) => ("body" in signed ? "the exact request body bytes sent" : "param" in signed ? `the ${signed.label}` : "the request");

/**
 * The preValidation hook: the signature the route asks for, over the raw body once it is read. An
 * extension, or any route of a strict integration, takes the timestamped signature alone.
 */
export function signatureVerifier({ now = Date.now }: { now?: () => number } = {}) {
  return async function verifySignature(request: FastifyRequest): Promise<void> {
    const integration = request.integration;
    const signed = request.routeOptions.config.signed;
    if (!integration || !signed) return;
    // An upload's parser compared its signature as the body streamed in, and refused it on a mismatch.
    if (request.rawBodyHmac !== null) return;
    if ("timestamped" in signed || integration.strictSignatures) {
      verifyRequestStamp(request, integration, "timestamped" in signed ? "extension" : "strict", now());
      return;
    }
    const signature = header(request, "x-hmac-signature", "vrf-hmac-signature");
    if ("body" in signed && signed.body === "optional" && signature === undefined) return;
    if (!signature || !isHexSha256(signature)) throw apiError("SIGNATURE_MALFORMED", { over: signedOver(signed) });
    if ("body" in signed) {
      if (!hmacMatches(integration.secret, request.rawBody ?? Buffer.alloc(0), signature)) throw apiError("SIGNATURE_BODY_MISMATCH");
      return;
    }
    const value = (request.params as Record<string, string | undefined>)[signed.param] ?? "";
    if (!hmacMatches(integration.secret, value, signature)) throw apiError("SIGNATURE_ID_MISMATCH", { field: signed.label });
  };
}
