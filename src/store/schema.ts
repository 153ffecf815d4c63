import type { Generated } from "kysely";

/** Row types of every table. Times are epoch milliseconds; booleans are 0/1 on both backends. */
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
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  integration_id: string;
  status: string;
  vendor_data: string | null;
  end_user_id: string | null;
  callback_url: string | null;
  lang: string | null;
  /** Person, document and address as sent by the integrator, sealed under the session's data key. */
  init_data_sealed: string | null;
  token_iat: number;
  created_at: number;
  updated_at: number;
}

/** One row per session: deleting it makes the session's sealed data unreadable, backups included. */
export interface SessionKeysTable {
  session_id: string;
  key_sealed: string;
}

export interface SchemaChangesTable {
  id: Generated<number>;
}

export interface Database {
  integrations: IntegrationsTable;
  sessions: SessionsTable;
  session_keys: SessionKeysTable;
}
