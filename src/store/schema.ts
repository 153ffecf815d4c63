/** Row types of every table. Times are epoch milliseconds; booleans are 0/1 on both backends. */

/**
 * The values the status columns hold, listed once. What each means and which may follow which is
 * the state machine's (src/verification/states.ts).
 */
export const SESSION_STATUSES = ["created", "started", "submitted", "approved", "declined", "resubmission_requested", "review", "expired", "abandoned"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A decision's status: a verdict, or the end of a session nobody finished. */
export const DECISION_STATUSES = ["approved", "declined", "resubmission_requested", "review", "expired", "abandoned"] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

/** An attempt is started, then submitted, then takes the status of the decision that closes it. */
export type AttemptStatus = "started" | "submitted" | DecisionStatus;

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const WEBHOOK_KINDS = ["event", "decision"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];
export const JOB_STATUSES = ["pending", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface IntegrationsTable {
  id: string;
  name: string;
  api_key: string;
  secret_sealed: string;
  callback_url: string | null;
  decision_webhook_url: string | null;
  event_webhook_url: string | null;
  is_test: number;
  active: number;
  /** Days after a decision when media and personal data are erased; null keeps them. */
  retention_days: number | null;
  /** Origins allowed to frame the hosted flow (CSP frame-ancestors), space-separated; null: none. */
  frame_ancestors: string | null;
  /** 1: every request must carry x-earthid-signature; X-HMAC-SIGNATURE alone is refused. */
  strict_signatures: number;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  integration_id: string;
  status: SessionStatus;
  /**
   * Null in the table since migration 0009 (rows before it until they are sealed): read through the
   * sessions repository, which puts the opened vendor_data_sealed here (src/sessions/vendor-data.ts).
   */
  vendor_data: string | null;
  /** HMAC of vendorData under a key derived from the master key: the exact-match filter's column. */
  vendor_data_hash: string | null;
  /** vendorData sealed under the session's data key. */
  vendor_data_sealed: string | null;
  end_user_id: string | null;
  callback_url: string | null;
  lang: string | null;
  /** Person, document and address as sent by the integrator, sealed under the session's data key. */
  init_data_sealed: string | null;
  token_iat: number;
  created_at: number;
  updated_at: number;
  current_attempt_id: string | null;
  started_at: number | null;
  submitted_at: number | null;
  decided_at: number | null;
  /** Set by DELETE: the row stays as a tombstone, invisible to the API. */
  deleted_at: number | null;
  /** Set when the data key was destroyed (DELETE or retention). */
  erased_at: number | null;
}

export interface AttemptsTable {
  id: string;
  session_id: string;
  number: number;
  status: AttemptStatus;
  created_at: number;
  submitted_at: number | null;
  decided_at: number | null;
}

export interface DecisionsTable {
  id: string;
  session_id: string;
  /** Null for a session that expired before any attempt. */
  attempt_id: string | null;
  status: DecisionStatus;
  code: number;
  reason: string | null;
  reason_code: number | null;
  /** "test-mode", "operator", "engine", "reviewer", "sweeper", "integrator". */
  decided_by: string;
  decided_at: number;
}

export interface MediaTable {
  id: string;
  session_id: string;
  attempt_id: string;
  context: string;
  mimetype: string;
  size: number;
  width: number | null;
  height: number | null;
  /** Of the plaintext bytes, for replaying decisions. */
  sha256: string;
  created_at: number;
}

/** Where the kept audit chain starts once retention deleted its old end (one row, id 1; migration 0016). */
export interface AuditAnchorTable {
  id: number;
  /** The last deleted event's sequence number and hash: the oldest kept event links to these. */
  seq: number;
  hash: string;
  /** That event's created_at. */
  created_at: number;
  pruned_at: number;
}

export interface AuditEventsTable {
  id: string;
  /** Null for events of no integration (a reviewer's login). */
  integration_id: string | null;
  session_id: string | null;
  type: string;
  actor: string;
  /** JSON; never personal data. */
  data: string;
  created_at: number;
  /** The hash chain (audit/chain.ts): null until the sealer links the event. */
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  integration_id: string;
  session_id: string;
  kind: WebhookKind;
  code: number;
  url: string;
  /** The exact body, sealed under the master key; null once the session's data was erased. */
  payload_sealed: string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  /** A dispatcher's lease on the row while it delivers. */
  claimed_until: number | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  number: number;
  attempted_at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** Work done after a commit, by a runner of its kind (src/jobs/). */
export interface JobsTable {
  id: string;
  /** Which handler runs it: "verification.assess", … */
  kind: string;
  /** The session it concerns, if any: erasing the session removes its jobs. */
  subject: string | null;
  /** JSON; never personal data (the handler reads that from its own capability). */
  payload: string;
  status: JobStatus;
  /** Runs begun, the one under way included. */
  attempts: number;
  /** Due from then on: its creation, or the retry after a failure. */
  run_at: number;
  /** A runner's lease while it works (the fence): a record is written only while it still holds. */
  claimed_until: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

/** One row per session: deleting it makes the session's sealed data unreadable, backups included. */
export interface SessionKeysTable {
  session_id: string;
  key_sealed: string;
}

/** A short code that opens a session's flow on another device (the desktop-to-phone hand-off). */
export interface FlowHandoffsTable {
  code: string;
  session_id: string;
  integration_id: string;
  expires_at: number;
}

export interface FlowRequestWindowsTable {
  session_id: string;
  /** When the session's current window began (its first request after the last window), ms since the epoch. */
  window_start: number;
  requests: number;
}

export interface Database {
  integrations: IntegrationsTable;
  sessions: SessionsTable;
  session_keys: SessionKeysTable;
  attempts: AttemptsTable;
  decisions: DecisionsTable;
  media: MediaTable;
  audit_events: AuditEventsTable;
  audit_anchor: AuditAnchorTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  flow_handoffs: FlowHandoffsTable;
  jobs: JobsTable;
  flow_request_windows: FlowRequestWindowsTable;
}
