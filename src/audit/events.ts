import type { DecisionStatus, SessionStatus } from "../store/schema.js";

/**
 * Who acts, as every service takes it: never an HTTP request. Each scope of access turns its own
 * credentials into one (the integrator API: an API key; the hosted flow: a session token; the
 * back-office: a reviewer's cookie session); the CLI and the background tasks name themselves.
 * What an actor may see is decided by the services from it (sessions/service.ts, sessionFor).
 */
export type Actor =
  | { kind: "integrator"; integrationId: string }
  | { kind: "endUser"; sessionId: string }
  | { kind: "reviewer"; reviewerId: string }
  | { kind: "engine" }
  | { kind: "operator" }
  | { kind: "sweeper" }
  | { kind: "testMode" }
  | { kind: "system" };

/** The name an actor is recorded under (audit_events.actor, decisions.decided_by). */
export type ActorName = "integrator" | "end-user" | "engine" | "operator" | "reviewer" | "sweeper" | "test-mode" | "system";

const NAMES = { integrator: "integrator", endUser: "end-user", reviewer: "reviewer", engine: "engine", operator: "operator", sweeper: "sweeper", testMode: "test-mode", system: "system" } as const satisfies Record<Actor["kind"], ActorName>;

export const actorName = (actor: Actor): ActorName => NAMES[actor.kind];

export const OPERATOR: Actor = { kind: "operator" };
export const SWEEPER: Actor = { kind: "sweeper" };
export const SYSTEM: Actor = { kind: "system" };
export const TEST_MODE: Actor = { kind: "testMode" };

/** Which back-office account acted, for an event's data (the actor column says only "reviewer"); nothing for anyone else. */
export const byReviewer = (actor: Actor): { reviewerId?: string } => (actor.kind === "reviewer" ? { reviewerId: actor.reviewerId } : {});

export type AuditEvent =
  | { type: "session.started"; data: { attemptId: string; attemptNumber: number } }
  | { type: "session.submitted"; data: { attemptId: string } }
  | { type: "session.decided"; data: { attemptId: string | null; status: DecisionStatus; code: number; reasonCode: number | null; decisionId: string; error?: string } }
  | { type: "media.uploaded"; data: { attemptId: string; mediaId: string; context: string; mimetype: string; size: number; replaced?: string[] } }
  | { type: "session.deleted"; data: { previousStatus: SessionStatus } }
  | { type: "session.erased"; data: { reason: "deleted" | "retention"; mediaFiles: number } }
  | { type: "webhook.resent"; data: { deliveryId: string } }
  | { type: "backoffice.viewed"; data: { reviewerId: string; what: "session" | "media"; mediaId: string | null } }
  // reviewerId: the back-office account that acted; null from the CLI (actor "operator") or the service itself ("system").
  | { type: "integration.secret_revealed" | "integration.secret_rotated" | "integration.created" | "integration.deactivated"; data: { reviewerId: string | null } }
  | { type: "integration.updated"; data: { changes: Record<string, { from: string | null; to: string | null }>; reviewerId?: string } }
  | { type: "integration.policy_changed"; data: { version: number; changes: Record<string, { from: number | string | null; to: number | string | null }>; reviewerId?: string } }
  | LoginEvent;

/**
 * A back-office login's steps, of no integration. An unknown email is recorded without it (the
 * address someone typed may be anyone's): reviewerId null.
 */
export type LoginEvent =
  | { type: "backoffice.login_succeeded"; data: { reviewerId: string; secondFactor: boolean } }
  | { type: "backoffice.login_failed"; data: { reviewerId: string | null; step: "password" | "code"; reason: "unknown_account" | "wrong_password" | "disabled" | "wrong_code" | "locked" } }
  | { type: "backoffice.locked_out"; data: { reviewerId: string; until: number } }
  | { type: "backoffice.logged_out"; data: { reviewerId: string } };

export type AuditEventType = AuditEvent["type"];
