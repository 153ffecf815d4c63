import { type Kysely, type Migration, type MigrationProvider, sql } from "kysely";
import type { StoreKind } from "./db.js";
import { linkPending } from "./audit-chain.js";

/**
 * One list of migrations for both backends, written with Kysely's schema builder, so the same text
 * runs on SQLite and PostgreSQL; a migration that only tunes one backend does nothing on the other.
 * Never edit a migration that has shipped: add the next one.
 */
const migrations = (kind: StoreKind): Record<string, Migration> => ({
  "0001_integrations_and_sessions": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("integrations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("api_key", "text", (c) => c.notNull().unique())
        .addColumn("secret_sealed", "text", (c) => c.notNull())
        .addColumn("callback_url", "text")
        .addColumn("decision_webhook_url", "text")
        .addColumn("event_webhook_url", "text")
        .addColumn("is_test", "integer", (c) => c.notNull())
        .addColumn("active", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("integration_id", "text", (c) => c.notNull().references("integrations.id"))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("vendor_data", "text")
        .addColumn("end_user_id", "text")
        .addColumn("callback_url", "text")
        .addColumn("lang", "text")
        .addColumn("init_data_sealed", "text")
        .addColumn("token_iat", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("sessions_integration_created")
        .on("sessions")
        .columns(["integration_id", "created_at"])
        .execute();
      await db.schema
        .createIndex("sessions_integration_vendor_data")
        .on("sessions")
        .columns(["integration_id", "vendor_data"])
        .execute();
      await db.schema
        .createTable("session_keys")
        .addColumn("session_id", "text", (c) => c.primaryKey())
        .addColumn("key_sealed", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0002_lifecycle_media_webhooks": {
    async up(db: Kysely<any>) {
      await db.schema.alterTable("integrations").addColumn("retention_days", "integer").execute();
      await db.schema.alterTable("sessions").addColumn("current_attempt_id", "text").execute();
      await db.schema.alterTable("sessions").addColumn("started_at", "bigint").execute();
      await db.schema.alterTable("sessions").addColumn("submitted_at", "bigint").execute();
      await db.schema.alterTable("sessions").addColumn("decided_at", "bigint").execute();
      await db.schema.alterTable("sessions").addColumn("deleted_at", "bigint").execute();
      await db.schema.alterTable("sessions").addColumn("erased_at", "bigint").execute();
      await db.schema.createIndex("sessions_status_updated").on("sessions").columns(["status", "updated_at"]).execute();
      await db.schema.createIndex("sessions_decided").on("sessions").columns(["decided_at"]).execute();

      await db.schema
        .createTable("attempts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("session_id", "text", (c) => c.notNull().references("sessions.id"))
        .addColumn("number", "integer", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("submitted_at", "bigint")
        .addColumn("decided_at", "bigint")
        .addUniqueConstraint("attempts_session_number", ["session_id", "number"])
        .execute();

      await db.schema
        .createTable("decisions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("session_id", "text", (c) => c.notNull().references("sessions.id"))
        .addColumn("attempt_id", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("code", "integer", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("reason_code", "integer")
        .addColumn("decided_by", "text", (c) => c.notNull())
        .addColumn("decided_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("decisions_session").on("decisions").columns(["session_id", "decided_at"]).execute();

      await db.schema
        .createTable("media")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("session_id", "text", (c) => c.notNull().references("sessions.id"))
        .addColumn("attempt_id", "text", (c) => c.notNull())
        .addColumn("context", "text", (c) => c.notNull())
        .addColumn("mimetype", "text", (c) => c.notNull())
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("width", "integer")
        .addColumn("height", "integer")
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("media_attempt").on("media").columns(["attempt_id", "created_at"]).execute();
      await db.schema.createIndex("media_session").on("media").columns(["session_id"]).execute();

      await db.schema
        .createTable("audit_events")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("integration_id", "text", (c) => c.notNull())
        .addColumn("session_id", "text")
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("audit_session").on("audit_events").columns(["session_id", "created_at"]).execute();
      await db.schema.createIndex("audit_integration_type").on("audit_events").columns(["integration_id", "type", "created_at"]).execute();

      await db.schema
        .createTable("webhook_deliveries")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("integration_id", "text", (c) => c.notNull())
        .addColumn("session_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("code", "integer", (c) => c.notNull())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("payload_sealed", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
        .addColumn("claimed_until", "bigint")
        .addColumn("last_attempt_at", "bigint")
        .addColumn("last_status_code", "integer")
        .addColumn("last_error", "text")
        .addColumn("delivered_at", "bigint")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").columns(["status", "next_attempt_at"]).execute();
      await db.schema.createIndex("webhook_deliveries_session").on("webhook_deliveries").columns(["integration_id", "session_id", "created_at"]).execute();

      await db.schema
        .createTable("webhook_attempts")
        .addColumn("delivery_id", "text", (c) => c.notNull())
        .addColumn("number", "integer", (c) => c.notNull())
        .addColumn("attempted_at", "bigint", (c) => c.notNull())
        .addColumn("status_code", "integer")
        .addColumn("error", "text")
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "number"])
        .execute();
    },
  },
  "0003_webhook_deliveries_fillfactor": {
    // PostgreSQL writes a new version of a row at each update; when it fits on the same page and no
    // indexed column changed (a claim: claimed_until and attempts), no index is touched (a HOT
    // update). Pages filled to 60% leave room for it; SQLite updates rows in place.
    async up(db: Kysely<any>) {
      if (kind === "postgres") await sql`alter table webhook_deliveries set (fillfactor = 60)`.execute(db);
    },
  },
  "0004_integration_frame_ancestors": {
    // The origins allowed to embed the hosted flow in a frame, space-separated; null allows none.
    async up(db: Kysely<any>) {
      await db.schema.alterTable("integrations").addColumn("frame_ancestors", "text").execute();
    },
  },
  "0005_flow_handoffs": {
    // Short codes that continue a session's flow on a phone; each expires within the hour.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("flow_handoffs")
        .addColumn("code", "text", (c) => c.primaryKey())
        .addColumn("session_id", "text", (c) => c.notNull())
        .addColumn("integration_id", "text", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("flow_handoffs_expires").on("flow_handoffs").columns(["expires_at"]).execute();
    },
  },
  "0006_backoffice_reviewers": {
    // Back-office accounts, their login sessions, and who works which case (one reviewer per attempt in review).
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("reviewers")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("totp_sealed", "text")
        .addColumn("totp_pending_sealed", "text")
        .addColumn("totp_last_step", "bigint")
        .addColumn("active", "integer", (c) => c.notNull())
        .addColumn("failed_logins", "integer", (c) => c.notNull())
        .addColumn("locked_until", "bigint")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("reviewer_logins")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("reviewer_id", "text", (c) => c.notNull().references("reviewers.id"))
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("reviewer_logins_reviewer").on("reviewer_logins").columns(["reviewer_id"]).execute();
      await db.schema
        .createTable("review_cases")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("session_id", "text", (c) => c.notNull())
        .addColumn("attempt_id", "text", (c) => c.notNull())
        .addColumn("reviewer_id", "text", (c) => c.notNull().references("reviewers.id"))
        .addColumn("assigned_at", "bigint", (c) => c.notNull())
        .addColumn("decided_at", "bigint")
        .addColumn("decision_id", "text")
        .addColumn("note", "text")
        .addUniqueConstraint("review_cases_attempt", ["session_id", "attempt_id"])
        .execute();
      await db.schema.createIndex("review_cases_reviewer").on("review_cases").columns(["reviewer_id", "decided_at"]).execute();
      // The queue: sessions waiting in review, oldest first.
      await db.schema.createIndex("sessions_status_submitted").on("sessions").columns(["status", "submitted_at"]).execute();
      // The queue's other orders and filters, across integrations.
      await db.schema.createIndex("sessions_status_created").on("sessions").columns(["status", "created_at"]).execute();
      await db.schema.createIndex("sessions_vendor_data").on("sessions").columns(["vendor_data"]).execute();
    },
  },
  "0007_jobs": {
    // The job queue (src/jobs/). The partial index holds only the jobs a claim may take, in the
    // claim's order (one kind at a time, oldest due first); done and failed jobs leave it.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("jobs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("subject", "text")
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("run_at", "bigint", (c) => c.notNull())
        .addColumn("claimed_until", "bigint")
        .addColumn("last_error", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("finished_at", "bigint")
        .execute();
      await db.schema
        .createIndex("jobs_due")
        .on("jobs")
        .columns(["kind", "run_at"])
        .where(sql<boolean>`status in ('pending', 'running')`)
        .execute();
      await db.schema.createIndex("jobs_subject").on("jobs").columns(["subject"]).execute();
      // Retention removes done jobs by age; the CLI lists the newest first.
      await db.schema.createIndex("jobs_status_finished").on("jobs").columns(["status", "finished_at"]).execute();
      await db.schema.createIndex("jobs_created").on("jobs").columns(["created_at"]).execute();
    },
  },
  "0008_engine_assessments": {
    // The engine's record of each attempt it assessed (src/assessment/): personal data (fields,
    // checks, the selfie's descriptor) sealed under the session's data key; the document number
    // only as a keyed hash, to find it again in another session. And each integration's decision
    // policy, one row per version.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("engine_assessments")
        .addColumn("attempt_id", "text", (c) => c.primaryKey())
        .addColumn("session_id", "text", (c) => c.notNull())
        .addColumn("integration_id", "text", (c) => c.notNull())
        .addColumn("status", "text")
        .addColumn("code", "integer")
        .addColumn("reason_code", "integer")
        .addColumn("policy_version", "integer")
        .addColumn("findings_sealed", "text")
        .addColumn("face_sealed", "text")
        .addColumn("document_key", "text")
        .addColumn("versions", "text")
        .addColumn("images", "text")
        .addColumn("timings", "text")
        .addColumn("judged_at", "bigint", (c) => c.notNull())
        .addColumn("error", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("engine_assessments_session").on("engine_assessments").columns(["session_id", "created_at"]).execute();
      await db.schema.createIndex("engine_assessments_document").on("engine_assessments").columns(["integration_id", "document_key"]).execute();
      await db.schema.createIndex("engine_assessments_integration").on("engine_assessments").columns(["integration_id", "created_at"]).execute();
      await db.schema
        .createTable("integration_policies")
        .addColumn("integration_id", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("settings", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("integration_policies_pk", ["integration_id", "version"])
        .execute();
      },
    },
  "0009_strict_signatures_vendor_data_hash": {
    // Issue 14: strict signing per integration (finding 3); vendorData kept as a keyed hash for the
    // exact-match filter and sealed under the session's data key (finding 4). Rows written before
    // are hashed and sealed by the sessions service right after migrating (it holds the keys).
    async up(db: Kysely<any>) {
      await db.schema.alterTable("integrations").addColumn("strict_signatures", "integer", (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("sessions").addColumn("vendor_data_hash", "text").execute();
      await db.schema.alterTable("sessions").addColumn("vendor_data_sealed", "text").execute();
      await db.schema
        .createIndex("sessions_integration_vendor_data_hash")
        .on("sessions")
        .columns(["integration_id", "vendor_data_hash", "created_at", "id"])
        .execute();
      // The back-office filters across integrations; the plain column's indexes have nothing left to index.
      await db.schema.createIndex("sessions_vendor_data_hash").on("sessions").columns(["vendor_data_hash"]).execute();
      await db.schema.dropIndex("sessions_integration_vendor_data").execute();
      await db.schema.dropIndex("sessions_vendor_data").execute();
      },
    },
  "0010_audit_chain": {
    // The audit trail becomes a hash chain (store/audit-chain.ts), sealed off the request path, and takes
    // events of no integration (logins). The events already there are chained here, oldest first.
    async up(db: Kysely<any>) {
      if (kind === "postgres") {
        await db.schema.alterTable("audit_events").alterColumn("integration_id", (c) => c.dropNotNull()).execute();
        for (const [name, type] of [["seq", "bigint"], ["prev_hash", "text"], ["hash", "text"]] as const) {
          await db.schema.alterTable("audit_events").addColumn(name, type).execute();
        }
      } else {
        // SQLite cannot drop a NOT NULL in place: the table is rebuilt with the same rows.
        await db.schema
          .createTable("audit_events_chained")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("integration_id", "text")
          .addColumn("session_id", "text")
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("actor", "text", (c) => c.notNull())
          .addColumn("data", "text", (c) => c.notNull())
          .addColumn("created_at", "bigint", (c) => c.notNull())
          .addColumn("seq", "bigint")
          .addColumn("prev_hash", "text")
          .addColumn("hash", "text")
          .execute();
        await sql`insert into audit_events_chained (id, integration_id, session_id, type, actor, data, created_at)
          select id, integration_id, session_id, type, actor, data, created_at from audit_events`.execute(db);
        await db.schema.dropTable("audit_events").execute();
        await db.schema.alterTable("audit_events_chained").renameTo("audit_events").execute();
        await db.schema.createIndex("audit_session").on("audit_events").columns(["session_id", "created_at"]).execute();
        await db.schema.createIndex("audit_integration_type").on("audit_events").columns(["integration_id", "type", "created_at"]).execute();
      }
      await db.schema.createIndex("audit_seq").unique().on("audit_events").column("seq").execute();
      // The sealer's work list: only events not yet linked, in the order it links them.
      await db.schema.createIndex("audit_unsealed").on("audit_events").columns(["created_at", "id"]).where(sql.ref("seq"), "is", null).execute();
      while ((await linkPending(db, 1000)) > 0);
      },
    },
  "0011_indexes_for_filter_and_order": {
    // Every query on a request path, a background loop or a back-office page reads an index whose
    // columns give both its filter and its order, ending in id where id breaks ties: the planner
    // then walks the first `limit` entries and stops, however many rows the table holds and
    // whatever its statistics say (test/store/plans.test.ts fails on a full scan or a sort).
    // Indexes no query reads are dropped: each costs every insert. sessions(integration_id,
    // vendor_data) stays for the vendorData list until its keyed-hash replacement (migration 0009).
    async up(db: Kysely<any>) {
      const replace = async (old: string | null, name: string, table: string, columns: string[]) => {
        if (old) await db.schema.dropIndex(old).execute();
        await db.schema.createIndex(name).on(table).columns(columns).execute();
      };
      // The integrator's list, newest first, keyset on (created_at, id); and by status.
      await replace("sessions_integration_created", "sessions_integration_created_id", "sessions", ["integration_id", "created_at", "id"]);
      await replace(null, "sessions_integration_status_created", "sessions", ["integration_id", "status", "created_at", "id"]);
      // The back-office queue (one status, oldest submission or newest first) and the expiry sweeper (one status, oldest first).
      await replace("sessions_status_submitted", "sessions_status_submitted_id", "sessions", ["status", "submitted_at", "id"]);
      await replace("sessions_status_created", "sessions_status_created_id", "sessions", ["status", "created_at", "id"]);
      await replace(null, "sessions_integration_status_submitted", "sessions", ["integration_id", "status", "submitted_at", "id"]);
      await db.schema.dropIndex("sessions_status_updated").execute();
      await db.schema.dropIndex("sessions_decided").execute();
      // Retention's work list: an integration's sessions with data left, oldest decision first. Erased
      // sessions leave the index, so a pass never walks the ones erased before.
      await db.schema.createIndex("sessions_retention").on("sessions").columns(["integration_id", "decided_at"]).where(sql.ref("erased_at"), "is", null).execute();
      // A session's timeline reads: decisions, media, audit events, deliveries, in order.
      await replace("decisions_session", "decisions_session_decided_id", "decisions", ["session_id", "decided_at", "id"]);
      await replace("media_session", "media_session_created_id", "media", ["session_id", "created_at", "id"]);
      await replace("media_attempt", "media_attempt_created_id", "media", ["attempt_id", "created_at", "id"]);
      await replace("audit_session", "audit_session_created_id", "audit_events", ["session_id", "created_at", "id"]);
      // Deliveries: of one session (the list, the erasure), of one integration (the list), newest first.
      await replace("webhook_deliveries_session", "webhook_deliveries_session_created_id", "webhook_deliveries", ["session_id", "created_at", "id"]);
      await replace(null, "webhook_deliveries_integration_created_id", "webhook_deliveries", ["integration_id", "created_at", "id"]);
      // Deliveries whose body was erased with their session: retention removes them (and their attempts).
      await db.schema.createIndex("webhook_deliveries_erased").on("webhook_deliveries").column("id").where(sql.ref("payload_sealed"), "is", null).execute();
    },
  },
  "0012_flow_request_windows": {
    // The flow API's requests per session token in its current one-minute window, counted in the
    // store so that the limit holds across instances; windows long over are deleted as new ones open.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("flow_request_windows")
        .addColumn("session_id", "text", (c) => c.primaryKey())
        .addColumn("window_start", "bigint", (c) => c.notNull())
        .addColumn("requests", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("flow_request_windows_start").on("flow_request_windows").columns(["window_start"]).execute();
      },
    },
  "0015_policy_authors_backoffice_indexes": {
    // Who made each policy version (the back-office shows it beside the version in force): the actor's
    // name, and the reviewer's account when one made it; null for versions made before. And the
    // overview's two ranges, the last 14 days of decisions and of webhook deliveries, each read from
    // an index on its time instead of the whole table; the decisions' one holds every column the
    // overview counts by and joins on, so those rows are never read.
    async up(db: Kysely<any>) {
      await db.schema.alterTable("integration_policies").addColumn("created_by", "text").execute();
      await db.schema.alterTable("integration_policies").addColumn("created_by_reviewer", "text").execute();
      await db.schema.createIndex("decisions_decided_at").on("decisions").columns(["decided_at", "status", "decided_by", "attempt_id"]).execute();
      await db.schema.createIndex("webhook_deliveries_created_at").on("webhook_deliveries").columns(["created_at"]).execute();
      },
    },
  "0016_audit_anchor": {
    // Audit retention (EARTHID_AUDIT_RETENTION_DAYS) deletes events from the chain's old end; the
    // last deleted event's sequence number and hash stay here, one row, as the link the oldest kept
    // event must follow: verify and export start from it instead of GENESIS.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("audit_anchor")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("pruned_at", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0017_fewer_session_indexes": {
    // Every index costs each insert (a session is created with all of its columns) and each change
    // of the columns it holds: a new session now enters four fewer (issue 16).
    async up(db: Kysely<any>) {
      const review = sql<boolean>`status = 'review'`;
      // The back-office queue of cases in review, across integrations and of one: only the sessions in
      // review, not every session of every status (the other statuses' queues order by creation).
      await db.schema.dropIndex("sessions_status_submitted_id").execute();
      await db.schema.dropIndex("sessions_integration_status_submitted").execute();
      // The status stays their first column (after the integration) so that a planner without statistics
      // sees the same equality as on sessions_status_created_id, and then the order, and prefers them.
      await db.schema.createIndex("sessions_review_submitted").on("sessions").columns(["status", "submitted_at", "id"]).where(review).execute();
      await db.schema.createIndex("sessions_integration_review_submitted").on("sessions").columns(["integration_id", "status", "submitted_at", "id"]).where(review).execute();
      // The back-office's vendorData search across integrations reads sessions_integration_vendor_data_hash,
      // once per integration: the planner never read this one (it walked a status's sessions instead).
      await db.schema.dropIndex("sessions_vendor_data_hash").execute();
      // Retention's work list holds only decided sessions with data left: a new session (not decided
      // yet) no longer enters it, and "decided_at < cutoff" still selects it on both stores.
      await db.schema.dropIndex("sessions_retention").execute();
      await db.schema
        .createIndex("sessions_retention_decided")
        .on("sessions")
        .columns(["integration_id", "decided_at"])
        .where(sql<boolean>`erased_at is null and decided_at is not null`)
        .execute();
      // The dispatcher's claim: only the deliveries waiting to be sent, oldest due first. Delivered and
      // failed ones, nearly all of them, leave it; an erasure's "the session's pending ones" reads the
      // session's index instead of every pending delivery.
      await db.schema.dropIndex("webhook_deliveries_due").execute();
      await db.schema.createIndex("webhook_deliveries_pending").on("webhook_deliveries").column("next_attempt_at").where(sql<boolean>`status = 'pending'`).execute();
    },
  },
});

export const migrationProvider = (kind: StoreKind): MigrationProvider => ({
  async getMigrations() {
    return migrations(kind);
  },
});

export const migrationNames = Object.keys(migrations("sqlite"));
