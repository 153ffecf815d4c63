/** The session state machine (README, Session lifecycle), its codes, and Veriff's reason codes (docs/veriff-api.md §6, §8). */
import type { DecisionStatus, SessionStatus } from "../store/schema.js";

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

export const REASONS: Record<number, string> = {
  101: "Physical document not used",
  102: "Suspected document tampering",
  103: "Person showing the document does not appear to match document photo",
  104: "Name entered does not match name on document",
  105: "Suspicious behaviour",
  106: "Known fraud",
  107: "Velocity/abuse",
  108: "Velocity/abuse duplicated end-user",
  109: "Velocity/abuse duplicated device",
  110: "Velocity/abuse duplicated ID",
  111: "Session fraudulently accessed",
  112: "Restricted IP location",
  113: "Suspicious behaviour - Identity Farming",
  120: "Person on the portrait does not appear to match reference photo",
  121: "User ID missing",
  122: "No reference found",
  123: "Unable to pass registry checks",
  124: "Face already exists in the face collection",
  126: "Potential PEP match",
  127: "Face match with blocklist",
  128: "End User ID mismatch",
  129: "Invalid workflow",
  201: "Video and/or photos missing",
  202: "Face not clearly visible",
  203: "Full document not visible",
  204: "Poor image quality",
  205: "Document damaged",
  206: "Document type not supported",
  207: "Document expired",
  208: "Selfie missing",
  209: "Document photo missing",
  501: "High probability of fraudulent attempt",
  502: "Multiple parties present in session",
  503: "Attempted deceit",
  504: "Attempted deceit, device screen used",
  505: "Attempted deceit, printout used",
  506: "Presented document tampered",
  507: "Presented document tampered, data cross reference",
  508: "Presented document tampered, document similarity to specimen",
  509: "Person showing the document does not match document photo",
  510: "Presented document type not supported",
  511: "Presented document expired",
  515: "Attempted deceit, device screen used for face image",
  526: "Attempted deceit, photos streamed",
  530: "Person is under 13 years old",
  531: "Person is under 14 years old",
  532: "Person is under 16 years old",
  533: "Person is under 18 years old",
  534: "Person is under 20 years old",
  535: "Person is under 21 years old",
  536: "Person is under 25 years old",
  537: "Unable to perform document media portrait cropping",
  539: "Resubmission limit exceeded",
  602: "Presented document type not supported",
  603: "Video missing",
  605: "Face image missing",
  606: "Face is not clearly visible",
  608: "Document front missing",
  609: "Document back missing",
  614: "Document front not fully in frame",
  615: "Document back not fully in frame",
  619: "Document data not visible",
  620: "Presented document expired",
  621: "Document annulled or damaged",
  641: "Multiple faces detected",
  642: "Multiple documents uploaded",
};

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
