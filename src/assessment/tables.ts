import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** The engine's record of one attempt (migration 0008). Times are epoch milliseconds. */
export interface EngineAssessmentsTable {
  attempt_id: string;
  session_id: string;
  integration_id: string;
  /** The engine's verdict; null when it gave up on the attempt (see `error`). */
  status: string | null;
  code: number | null;
  reason_code: number | null;
  policy_version: number | null;
  /** Fields read, every check and the duplicates found, as JSON sealed under the session's data key. */
  findings_sealed: string | null;
  /** The selfie's face descriptor, sealed under the session's data key (duplicate faces). */
  face_sealed: string | null;
  /** A keyed hash of the document number in its integration: found again without being stored. */
  document_key: string | null;
  /** JSON: the engine's and models' versions. */
  versions: string | null;
  /** JSON: SHA-256 of every image. */
  images: string | null;
  /** JSON: milliseconds of each step. */
  timings: string | null;
  /** The moment the checks were judged at (expiry, age): a replay judges at the same one. */
  judged_at: number;
  /** Why the engine gave up, after the queue's last try. */
  error: string | null;
  created_at: number;
}

/** One version of an integration's decision policy; the highest is in force. */
export interface IntegrationPoliciesTable {
  integration_id: string;
  version: number;
  /** JSON: the Policy without its version (src/engine/policy/policy.ts). */
  settings: string;
  created_at: number;
  /** The actor's name (operator, reviewer, …); null for a version made before this was recorded. */
  created_by: string | null;
  /** The back-office account, when a reviewer made it. */
  created_by_reviewer: string | null;
}

export type AssessmentTables = {
  engine_assessments: EngineAssessmentsTable;
  integration_policies: IntegrationPoliciesTable;
};

export type AssessmentDb = Kysely<Database & AssessmentTables>;

export const assessmentDb = (db: Kysely<Database>): AssessmentDb => db.withTables<AssessmentTables>();
