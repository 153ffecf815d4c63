import type { FastifyCorsOptions } from "@fastify/cors";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { integratorActor } from "../http/integrator-api.js";
import { validationErrorFormatter } from "../http/validation-errors.js";
import { CreateSessionBody, ErrorBody, SessionEnvelope, SessionIdParams, knownCreateFields } from "./schemas.js";
import type { SessionService } from "./service.js";
import { createSessionRules } from "./create-checks.js";
import { EXTENSION_SIGNING, authHeaders, extensionAuthHeaders } from "../http/route-schemas.js";

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody };

const corsFor = (origin: "*" | false): FastifyCorsOptions => ({
  origin,
  methods: ["POST"],
  allowedHeaders: ["content-type", "x-auth-client", "x-hmac-signature", "x-origin", "vrf-integration-id"],
  exposedHeaders: ["x-auth-client", "x-hmac-signature", "vrf-auth-client", "vrf-hmac-signature", "x-request-id"],
  maxAge: 600,
  // An OPTIONS without Origin (a probe, not a browser) gets the same 204 instead of a bare-text 400.
  strictPreflight: false,
});
// Built once: the delegator runs on every request of the API.
const corsOpen = corsFor("*");
const corsClosed = corsFor(false);

/**
 * Session creation is the one call a browser may make (js-sdk): CORS for POST …/sessions only.
 * Registered on the whole API scope before authentication, so that a refusal (401) also carries the
 * CORS headers and the page sees its real status.
 */
export const createSessionCors: FastifyCorsOptions = {
  delegator: (request, callback) => {
    const url = request.url ?? "";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const open = path.endsWith("/sessions") && (request.method === "POST" || request.method === "OPTIONS");
    callback(null, open ? corsOpen : corsClosed);
  },
};

/** Session creation: an optional signature, since a browser cannot hold the secret. */
export const createSessionRoute: FastifyPluginAsyncTypebox<{ sessions: SessionService }> = async (app, { sessions }) => {
  app.post("/sessions", {
    schema: {
      summary: "Create a verification session",
      description: "Veriff-compatible. X-HMAC-SIGNATURE over the raw body is optional here; if sent it must be right.",
      tags: ["sessions"],
      headers: authHeaders,
      body: CreateSessionBody,
      response: { 201: SessionEnvelope, ...errors },
    },
    config: { signed: { body: "optional" } },
    schemaErrorFormatter: validationErrorFormatter(createSessionRules),
    handler: async (request, reply) => {
      const result = await sessions.createSession({ integration: request.integration!, body: knownCreateFields(request.body) });
      return reply.code(201).send(result);
    },
  });
};

export const sessionRoutes: FastifyPluginAsyncTypebox<{ sessions: SessionService }> = async (app, { sessions }) => {
  app.get("/sessions/:id", {
    schema: {
      summary: "Read a session's current state",
      description: `EarthID extension. ${EXTENSION_SIGNING}`,
      tags: ["sessions"],
      headers: extensionAuthHeaders,
      params: SessionIdParams,
      response: { 200: SessionEnvelope, ...errors },
    },
    config: { signed: { timestamped: "extension" } },
    handler: async (request) => sessions.getSession({ actor: integratorActor(request), id: request.params.id }),
  });
};
