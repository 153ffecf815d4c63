import type { Check, DocumentReading, DocumentType, FaceReading } from "../types.js";
import type { Policy } from "./policy.js";

/** What the integrator said about the person and the document when it created the session (all optional, as in Veriff's API). */
export interface SessionClaims {
  person?: { firstName?: string | null; lastName?: string | null; dateOfBirth?: string | null; idNumber?: string | null };
  document?: { type?: DocumentType | string | null; country?: string | null; number?: string | null };
}

/**
 * Another session of the same integration, with a different vendorData or endUserId, in which the
 * caller found this session's document number or face (the caller searches; the policy decides).
 */
export interface DuplicateMatch {
  sessionId: string;
  kind: "document" | "face";
  /** The face similarity, for a face match. */
  score?: number;
}

/** Everything a decision is made from. Null readings: the image was not submitted. */
export interface DecisionInput {
  document: DocumentReading | null;
  documentFace: FaceReading | null;
  selfieFace: FaceReading | null;
  session: SessionClaims;
  duplicates: readonly DuplicateMatch[];
  policy: Policy;
  now: Date;
  /**
   * What the attempt holds, when the caller decides without reading it (one of the two images is
   * missing, so there is nothing to compare): otherwise a null reading means "not submitted".
   */
  submitted?: { document: boolean; selfie: boolean };
}

export type DecisionStatus = "approved" | "declined" | "resubmission_requested" | "review";

export interface Decision {
  status: DecisionStatus;
  code: 9001 | 9102 | 9103 | 9121;
  reasonCode: number | null;
  reason: string | null;
  /** The document reader's checks as they came, then the policy's own. */
  checks: Check[];
  policyVersion: number;
}
