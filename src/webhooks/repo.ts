import { type Kysely, type Selectable, sql } from "kysely";
import type { Statement as SqliteStatement } from "better-sqlite3";
import type { Store } from "../store/db.js";
import type { ClaimRequest, Exchanged } from "../jobs/lease-loop.js";
import type { PreparedPostgres, RawSqliteTransaction } from "../store/dialect.js";
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from "../store/schema.js";

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** A row claimed by one dispatcher: `attempt` is this attempt's number, `claimedUntil` its lease. */
export interface Claim {
  row: DeliveryRow;
  attempt: number;
  claimedUntil: number;
}

export interface AttemptResult {
  number: number;
  attemptedAt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface AttemptRecord {
  claim: Claim;
  attempt: AttemptResult;
  state: DeliveryState;
}

export type DeliveryState =
  | { status: "delivered"; deliveredAt: number }
  | { status: "pending"; nextAttemptAt: number }
  | { status: "failed" };

export const PAYLOAD_ERASED = "payload erased with the session's data";

/**
 * Nulls the sealed bodies of a session's deliveries, inside the caller's erasure transaction; those
 * not yet delivered can no longer be, and are marked failed. Returns the number of rows touched.
 */
export async function erasePayloads(trx: Kysely<Database>, sessionId: string): Promise<number> {
  // One statement by the session alone, on the session's index: with "and status = 'pending'" a
  // planner may walk every pending delivery (webhook_deliveries_pending) to find the session's.
  const pending = sql<boolean>`status = 'pending'`;
  const result = await trx
    .updateTable("webhook_deliveries")
    .set({
      payload_sealed: null,
      status: sql`case when ${pending} then 'failed' else status end`,
      claimed_until: sql`case when ${pending} then null else claimed_until end`,
      last_error: sql`case when ${pending} then ${PAYLOAD_ERASED} else last_error end`,
    })
    .where("session_id", "=", sessionId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

const outcomeOf = ({ claim, attempt, state }: AttemptRecord) => ({
  id: claim.row.id,
  claimedUntil: claim.claimedUntil,
  status: state.status,
  ...attempt,
  deliveredAt: state.status === "delivered" ? state.deliveredAt : null,
  nextAttemptAt: state.status === "pending" ? state.nextAttemptAt : null,
});

/**
 * Every column of a delivery row, named: what the PostgreSQL exchange returns (a column added by a
 * migration must be added here, or the type check fails).
 */
const DELIVERY_COLUMNS = Object.keys({
  id: true, integration_id: true, session_id: true, kind: true, code: true, url: true, payload_sealed: true, status: true, attempts: true,
  next_attempt_at: true, claimed_until: true, last_attempt_at: true, last_status_code: true, last_error: true, delivered_at: true, created_at: true,
} satisfies Record<keyof DeliveryRow, true>);

/**
 * PostgreSQL: one statement of fixed text, one round trip, prepared once per connection. The
 * outcomes travel as one array per column ($1-$10), so the text is the same whatever the batch;
 * then now ($11), the claim's limit ($12) and its lease ($13). The claim sees the rows as they were
 * when the statement began, and leaves alone the ones it records. Its columns are listed, not `*`,
 * so that a column added later cannot change the result type of a plan a connection holds.
 * Its transaction commits with synchronous_commit off (set_config, local to it): the dispatcher's
 * bookkeeping (leases, attempt results) does not wait for the WAL flush. The trade-off: a crash of
 * PostgreSQL may forget its last exchanges, which only sends those webhooks again (at least once,
 * deduplicated by the delivery id); each webhook itself was written by its decision's own, flushed
 * commit, so none is lost.
 */
const POSTGRES_EXCHANGE = `
  with v as (
    select * from unnest($1::text[], $2::bigint[], $3::text[], $4::integer[], $5::bigint[], $6::integer[], $7::text[], $8::integer[], $9::bigint[], $10::bigint[])
      as v(id, claimed_until, status, number, attempted_at, status_code, error, duration_ms, delivered_at, next_attempt_at)
  ),
  attempts as (
    insert into webhook_attempts (delivery_id, number, attempted_at, status_code, error, duration_ms)
    select id, number, attempted_at, status_code, error, duration_ms from v
    on conflict (delivery_id, number) do nothing
  ),
  -- The new state of the row of each attempt, fenced by its own lease.
  recorded as (
    update webhook_deliveries set
      status = v.status, claimed_until = null, last_attempt_at = v.attempted_at, last_status_code = v.status_code, last_error = v.error,
      delivered_at = coalesce(v.delivered_at, webhook_deliveries.delivered_at),
      next_attempt_at = coalesce(v.next_attempt_at, webhook_deliveries.next_attempt_at)
    from v
    where webhook_deliveries.id = v.id and webhook_deliveries.claimed_until = v.claimed_until
    returning webhook_deliveries.id
  ),
  due as (
    select id from webhook_deliveries
    where status = 'pending' and next_attempt_at <= $11 and (claimed_until is null or claimed_until <= $11) and id not in (select id from v)
    order by next_attempt_at limit $12
    for update skip locked
  ),
  claimed as (
    update webhook_deliveries set claimed_until = $13, attempts = webhook_deliveries.attempts + 1
    from due where webhook_deliveries.id = due.id
    returning ${DELIVERY_COLUMNS.map((c) => `webhook_deliveries.${c}`).join(", ")}
  )
  select claimed.*, lost.ids as lost, set_config('synchronous_commit', 'off', true) as commit_without_waiting
  from (select array_agg(id) as ids from v where id not in (select id from recorded)) as lost left join claimed on true`;

function postgresExchange(prepared: PreparedPostgres) {
  return async (records: readonly AttemptRecord[], limit: number, now: number, claimedUntil: number) => {
    const outcomes = records.map(outcomeOf);
    const column = <K extends keyof ReturnType<typeof outcomeOf>>(key: K) => outcomes.map((outcome) => outcome[key]);
    const parameters = [
      column("id"), column("claimedUntil"), column("status"), column("number"), column("attemptedAt"),
      column("statusCode"), column("error"), column("durationMs"), column("deliveredAt"), column("nextAttemptAt"),
      now, limit, claimedUntil,
    ];
    const rows = await prepared<DeliveryRow & { lost: string[] | null }>("earthid_webhook_exchange", POSTGRES_EXCHANGE, parameters);
    // Always one row at least, for the lost leases; with no claim, its row's columns are null.
    return { rows: rows.filter((row) => row.id !== null), lost: rows[0]?.lost ?? [] };
  };
}

/**
 * SQLite: three statements of fixed text, prepared once on the raw connection and run row by row
 * inside one transaction, whose write lock makes the claim exclusive. The ids just recorded come as
 * one JSON array, so that the claim leaves them alone (as PostgreSQL's snapshot does) whatever
 * their number.
 */
const SQLITE_INSERT_ATTEMPT = `insert into webhook_attempts (delivery_id, number, attempted_at, status_code, error, duration_ms)
  values (?, ?, ?, ?, ?, ?) on conflict (delivery_id, number) do nothing`;
const SQLITE_RECORD_STATE = `update webhook_deliveries set
    status = ?, claimed_until = null, last_attempt_at = ?, last_status_code = ?, last_error = ?,
    delivered_at = coalesce(?, delivered_at), next_attempt_at = coalesce(?, next_attempt_at)
  where id = ? and claimed_until = ?`;
const SQLITE_CLAIM = `update webhook_deliveries set claimed_until = ?, attempts = attempts + 1
  where id in (
    select id from webhook_deliveries
    where status = 'pending' and next_attempt_at <= ? and (claimed_until is null or claimed_until <= ?)
      and id not in (select value from json_each(?))
    order by next_attempt_at limit ?)
  returning *`;

function sqliteExchange(transaction: RawSqliteTransaction) {
  let statements: Record<"insertAttempt" | "recordState" | "claim", SqliteStatement> | undefined;
  return (records: readonly AttemptRecord[], limit: number, now: number, claimedUntil: number) =>
    transaction((sqlite) => {
      statements ??= { insertAttempt: sqlite.prepare(SQLITE_INSERT_ATTEMPT), recordState: sqlite.prepare(SQLITE_RECORD_STATE), claim: sqlite.prepare(SQLITE_CLAIM) };
      const lost: string[] = [];
      for (const record of records) {
        const o = outcomeOf(record);
        statements.insertAttempt.run(o.id, o.number, o.attemptedAt, o.statusCode, o.error, o.durationMs);
        const { changes } = statements.recordState.run(o.status, o.attemptedAt, o.statusCode, o.error, o.deliveredAt, o.nextAttemptAt, o.id, o.claimedUntil);
        if (changes === 0) lost.push(o.id);
      }
      const recorded = JSON.stringify(records.map((r) => r.claim.row.id));
      const rows = limit > 0 ? (statements.claim.all(claimedUntil, now, now, recorded, limit) as DeliveryRow[]) : [];
      return { rows, lost };
    });
}

/** The SQL of webhook deliveries: the dispatcher's claims and results, the API's listing and resend. */
export function deliveryRepo({ db, dialect }: Pick<Store, "db" | "dialect">) {
  const exchangeWithStore = dialect.fixedStatements({ sqlite: sqliteExchange, postgres: postgresExchange });
  return {
    /**
     * One exchange between a dispatcher and the store: records the attempts it has finished and, for
     * each whose lease is still its own, the delivery's new state; then leases up to `claim.limit`
     * due rows until `claim.claimedUntil`, counting their attempt now so that every attempt has its
     * own number. A lease that expired and was taken by another dispatcher leaves the row to that
     * one: its id comes back in `lost`. All of it commits together, in one statement on PostgreSQL
     * (where rows another instance is claiming at this moment are skipped, not waited for), in one
     * transaction on SQLite (whose write lock makes the claim exclusive).
     */
    async exchange(records: readonly AttemptRecord[], claim?: ClaimRequest): Promise<Exchanged<Claim>> {
      const limit = claim?.limit ?? 0;
      if (records.length === 0 && limit <= 0) return { claims: [], lost: [] };
      const claimedUntil = claim?.claimedUntil ?? 0;
      const { rows, lost } = await exchangeWithStore(records, limit, claim?.now ?? 0, claimedUntil);
      return { claims: rows.map((row) => ({ row, attempt: row.attempts, claimedUntil })), lost };
    },

    /** Gives back claimed rows that were never attempted (a dispatcher stopping): due again at once. */
    async release(claims: readonly Claim[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        for (const claim of claims) {
          await trx
            .updateTable("webhook_deliveries")
            .set((eb) => ({ claimed_until: null, attempts: eb("attempts", "-", 1) }))
            .where("id", "=", claim.row.id)
            .where("claimed_until", "=", claim.claimedUntil)
            .execute();
        }
      });
    },

    async find(id: string, integrationId?: string): Promise<DeliveryRow | undefined> {
      let query = db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id);
      if (integrationId !== undefined) query = query.where("integration_id", "=", integrationId);
      return query.executeTakeFirst();
    },

    /** Newest first. Without an integration: every integration's (the operator's CLI). */
    /** Deliveries written since `since`, counted by day (epoch day number), status and whether an attempt failed. For the overview. */
    async countsByDay(since: number): Promise<Array<{ day: number; status: string; failedAttempt: boolean; n: number }>> {
      const rows = await db
        .selectFrom("webhook_deliveries")
        .select([
          sql<number>`created_at / 86400000`.as("day"),
          "status",
          sql<number>`case when last_error is not null or last_status_code >= 300 then 1 else 0 end`.as("failed_attempt"),
          (eb) => eb.fn.countAll<number>().as("n"),
        ])
        .where("created_at", ">=", since)
        .groupBy([sql`created_at / 86400000`, "status", sql`case when last_error is not null or last_status_code >= 300 then 1 else 0 end`])
        .execute();
      return rows.map((r) => ({ day: Number(r.day), status: r.status, failedAttempt: Number(r.failed_attempt) === 1, n: Number(r.n) }));
    },

    async list(filter: { integrationId?: string; sessionId?: string; limit: number }): Promise<DeliveryRow[]> {
      let query = db.selectFrom("webhook_deliveries").selectAll();
      if (filter.sessionId !== undefined) {
        // By session alone, on webhook_deliveries_session_created_id: a session's deliveries all belong
        // to its integration, so they are kept whole or dropped whole below. With the integration in
        // the SQL too, a planner without statistics may walk the integration's index instead.
        const rows = await query.where("session_id", "=", filter.sessionId).orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit).execute();
        return filter.integrationId === undefined ? rows : rows.filter((row) => row.integration_id === filter.integrationId);
      }
      if (filter.integrationId !== undefined) query = query.where("integration_id", "=", filter.integrationId);
      return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit).execute();
    },

    /**
     * Removes up to `limit` deliveries whose body was erased with their session's data, with their
     * attempts; returns how many. Such a delivery can never be sent again (erasure fails the pending
     * ones), so it only grows the store. They are read from webhook_deliveries_erased (migration
     * 0011), a partial index holding exactly these rows.
     */
    async removeErased(limit: number): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const rows = await trx.selectFrom("webhook_deliveries").select("id").where("payload_sealed", "is", null).limit(limit).execute();
        if (rows.length === 0) return 0;
        const ids = rows.map((row) => row.id);
        await trx.deleteFrom("webhook_attempts").where("delivery_id", "in", ids).execute();
        await trx.deleteFrom("webhook_deliveries").where("id", "in", ids).where("payload_sealed", "is", null).execute();
        return ids.length;
      });
    },

    async attempts(deliveryId: string): Promise<WebhookAttemptsTable[]> {
      return db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "=", deliveryId).orderBy("number").execute();
    },

    /**
     * Due again now, unless its body was erased; `alsoInTransaction` (the audit event) commits with
     * it. A delivered row keeps its delivered_at until the new attempt succeeds.
     */
    async requeue(id: string, now: number, alsoInTransaction: (trx: Kysely<Database>) => Promise<void>): Promise<DeliveryRow | undefined> {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable("webhook_deliveries")
          .set({ status: "pending", next_attempt_at: now })
          .where("id", "=", id)
          .where("payload_sealed", "is not", null)
          .executeTakeFirst();
        if (result.numUpdatedRows > 0n) await alsoInTransaction(trx);
        return trx.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
      });
    },
  };
}

export type DeliveryRepo = ReturnType<typeof deliveryRepo>;
