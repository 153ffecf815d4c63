import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { integratorActor } from "../http/integrator-api.js";
import { apiError } from "../errors.js";
import { validationErrorFormatter } from "../http/validation-errors.js";
import { DeletionRateLimited, type SessionErasure } from "./erasure.js";
import type { SessionLifecycle } from "./transitions.js";
import type { LifecycleReads } from "./reads.js";
import { AttemptsResponse, DecisionResponse, DeletedResponse, PersonResponse, SubmitBody, submitRules } from "./schemas.js";
import { SessionEnvelope, SessionIdParams } from "../sessions/schemas.js";
import type { SessionService } from "../sessions/service.js";
import { isUuid } from "../store/ids.js";
import { ErrorBody, authHeaders } from "../http/route-schemas.js";

export interface LifecycleRouteDeps {
  sessions: Pick<SessionService, "getSession">;
  lifecycle: Pick<SessionLifecycle, "submit">;
  reads: LifecycleReads;
  erasure: Pick<SessionErasure, "deleteSession">;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };
const signedOverId = { signed: { param: "id", label: "session id" } } as const;

/** PATCH (submit), DELETE, and the decision / person / attempts reads of one session. */
export const lifecycleRoutes: FastifyPluginAsyncTypebox<LifecycleRouteDeps> = async (app, { sessions, lifecycle, reads, erasure }) => {
  app.patch("/sessions/:id", {
    schema: {
      summary: "Submit the session",
      description:
        "Veriff-compatible. Body `{\"verification\":{\"status\":\"submitted\"}}`; X-HMAC-SIGNATURE over the raw body. Allowed from created and started " +
        "(and from resubmission_requested, where it opens the new attempt); 1304 otherwise. Answers the session as GET does, in the status it reached.",
      tags: ["sessions"],
      headers: authHeaders,
      params: SessionIdParams,
      body: SubmitBody,
      response: { 200: SessionEnvelope, ...errors, 413: ErrorBody, 415: ErrorBody },
    },
    config: { signed: { body: "required" } },
    schemaErrorFormatter: validationErrorFormatter(submitRules),
    handler: async (request) => {
      const actor = integratorActor(request);
      const { id } = request.params;
      if (!isUuid(id)) throw apiError("NOT_FOUND", { what: "Session" });
      const { status } = request.body.verification;
      if (status !== "submitted") throw apiError("INVALID_STATUS", { detail: `${JSON.stringify(status)}; the only status that can be set is "submitted"` });
      await lifecycle.submit({ sessionId: id.toLowerCase(), actor });
      return sessions.getSession({ actor, id });
    },
  });

  app.delete("/sessions/:id", {
    schema: {
      summary: "Delete the session and erase its data",
      description:
        "Veriff-compatible; X-HMAC-SIGNATURE over the session id. Allowed in created, started, approved, declined, resubmission_requested, " +
        "expired and abandoned (1306 while submitted, 1305 in review). Media and personal data are erased at once; an unfinished session " +
        "first gets its expired (created) or abandoned decision webhook. Rate-limited per integration (default 5 an hour, 10 a day: 429).",
      tags: ["sessions"],
      headers: authHeaders,
      params: SessionIdParams,
      response: { 200: DeletedResponse, ...errors, 429: ErrorBody },
    },
    config: signedOverId,
    handler: async (request, reply) => {
      try {
        return await erasure.deleteSession({ actor: integratorActor(request), sessionId: request.params.id });
      } catch (error) {
        if (error instanceof DeletionRateLimited) reply.header("retry-after", String(error.retryAfterSeconds));
        throw error;
      }
    },
  });

  app.get("/sessions/:id/decision", {
    schema: {
      summary: "The session's latest decision",
      description: "Veriff-compatible; signed over the session id. `verification` is null until there is a decision; then the decision webhook's body.",
      tags: ["sessions"],
      headers: authHeaders,
      params: SessionIdParams,
      response: { 200: DecisionResponse, ...errors },
    },
    config: signedOverId,
    handler: async (request) => reads.decision(integratorActor(request), request.params.id),
  });

  app.get("/sessions/:id/person", {
    schema: {
      summary: "The session's person",
      description: "Veriff-compatible; signed over the session id. The person data sent at creation; pepSanctionMatches is always empty.",
      tags: ["sessions"],
      headers: authHeaders,
      params: SessionIdParams,
      response: { 200: PersonResponse, ...errors },
    },
    config: signedOverId,
    handler: async (request) => reads.person(integratorActor(request), request.params.id),
  });

  app.get("/sessions/:id/attempts", {
    schema: {
      summary: "The session's attempts",
      description: "Veriff-compatible; signed over the session id. Oldest first; a resubmission opens a new attempt.",
      tags: ["sessions"],
      headers: authHeaders,
      params: SessionIdParams,
      response: { 200: AttemptsResponse, ...errors },
    },
    config: signedOverId,
    handler: async (request) => reads.attempts(integratorActor(request), request.params.id),
  });
};
