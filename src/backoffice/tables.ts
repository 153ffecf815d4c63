import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

export type Role = "admin" | "reviewer";
export const ROLES: readonly Role[] = ["admin", "reviewer"];

/** A back-office account. The TOTP secret is sealed with the master key; `_pending` until its first code is confirmed. */
export interface ReviewersTable {
  id: string;
  email: string;
  role: Role;
  password_hash: string;
  totp_sealed: string | null;
  totp_pending_sealed: string | null;
  /** The time step of the last code accepted: a code is good once (RFC 6238 §5.2). */
  totp_last_step: number | null;
  active: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * One browser's login. Only the SHA-256 of the cookie's token is stored, so a copy of the store
 * opens no session. `stage` is how far the login got: the password alone, enrolment in TOTP, or done.
 */
export type LoginStage = "second-factor" | "enrol" | "full";
export interface ReviewerLoginsTable {
  token_hash: string;
  reviewer_id: string;
  stage: LoginStage;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Who works one attempt in review; unique per attempt, so two reviewers never hold the same case. */
export interface ReviewCasesTable {
  id: string;
  session_id: string;
  attempt_id: string;
  reviewer_id: string;
  assigned_at: number;
  decided_at: number | null;
  decision_id: string | null;
  note: string | null;
}

export type BackofficeTables = {
  reviewers: ReviewersTable;
  reviewer_logins: ReviewerLoginsTable;
  review_cases: ReviewCasesTable;
};

export type BackofficeDb = Kysely<Database & BackofficeTables>;

/** The store's Kysely seen with the back-office tables too (they are created by migration 0004). */
export const backofficeDb = (db: Kysely<Database>): BackofficeDb => db.withTables<BackofficeTables>();
