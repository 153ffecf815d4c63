/** The session state machine (README, Session lifecycle), its codes, and Veriff's reason codes (docs/veriff-api.md §6, §8). */
import type { DecisionStatus, SessionStatus } from "../store/schema.js";
import { REASONS } from "../reason-codes.js";

export { REASONS } from "../reason-codes.js";

export type { AttemptStatus, DecisionStatus, SessionStatus } from "../store/schema.js";
export { SESSION_STATUSES } from "../store/schema.js";

/** What a decider (engine, reviewer, operator, test mode) may set. */
export const DECIDABLE = ["approved", "declined", "resubmission_requested", "review"] as const;
export type Verdict = (typeof DECIDABLE)[number];

export const DECISION_CODES: Record<DecisionStatus, number> = {
  approved: 9001,
  declined: 9102,
  resubmission_requested: 9103,
  expired: 9104,
  abandoned: 9104,
  review: 9121,
};

export const EVENT_CODES = { started: 7001, submitted: 7002 } as const;

/** Statuses a decision may be made from. Review is decided by people; submitted by the engine. */
export const DECIDABLE_FROM: readonly SessionStatus[] = ["submitted", "review"];

/** Statuses from which media may be uploaded (the first upload of an attempt starts it). */
export const OPEN_FOR_MEDIA: readonly SessionStatus[] = ["created", "started", "resubmission_requested"];

/**
 * PATCH status=submitted. Veriff names created and started; after resubmission_requested the submit
 * itself opens the new attempt (as a media upload would), passing through started.
 */
export const SUBMITTABLE_FROM: readonly SessionStatus[] = ["created", "started", "resubmission_requested"];

/** Statuses whose current attempt is still open: a decision closes it with its own status. */
export const ATTEMPT_OPEN: readonly SessionStatus[] = ["started", "submitted", "review"];

/** Nobody finished them: after a while they expire (created) or are abandoned (the others). */
export const UNFINISHED: readonly SessionStatus[] = ["created", "started", "resubmission_requested"];

/** Final: nothing more happens to the session. */
export const FINAL: readonly SessionStatus[] = ["approved", "declined", "expired", "abandoned"];

/** Reference §4.2: DELETE is allowed only here; otherwise 1305 (or 1306 while in progress). */
export const DELETABLE: readonly SessionStatus[] = ["created", "started", "approved", "declined", "resubmission_requested", "expired", "abandoned"];

/** Resubmissions allowed before the next one is turned into a decline with reason 539. */
export const MAX_RESUBMISSIONS = 9;

export const RESUBMISSION_LIMIT_REASON_CODE = 539;


/** Declines use 1xx/5xx/6xx codes, resubmissions 2xx/6xx; anything else is refused. */
export function reasonCodeFits(status: Verdict, code: number): boolean {
  if (!(code in REASONS)) return false;
  if (status === "declined") return code < 200 || code >= 500;
  if (status === "resubmission_requested") return (code >= 200 && code < 300) || code >= 600;
  return false;
}

/** Veriff's old test-mode rule: a test integration's person.firstName forces the decision. */
export function forcedTestVerdict(firstName: string | null | undefined): Verdict | undefined {
  switch (firstName) {
    case "Approve":
      return "approved";
    case "Decline":
      return "declined";
    case "Resubmit":
      return "resubmission_requested";
    default:
      return undefined;
  }
}
