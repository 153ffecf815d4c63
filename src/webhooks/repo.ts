import { type Kysely, type RawBuilder, type Selectable, sql } from "kysely";
import type { StoreKind } from "../store/db.js";
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
  await trx
    .updateTable("webhook_deliveries")
    .set({ status: "failed", claimed_until: null, last_error: PAYLOAD_ERASED })
    .where("session_id", "=", sessionId)
    .where("status", "=", "pending")
    .execute();
  const result = await trx.updateTable("webhook_deliveries").set({ payload_sealed: null }).where("session_id", "=", sessionId).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The SQL of webhook deliveries: the dispatcher's claims and results, the API's listing and resend. */
export function deliveryRepo(db: Kysely<Database>, kind: StoreKind) {
  return {
    /**
     * Leases up to `limit` due rows to the caller until `claimedUntil`, counting the attempt now so
     * that every attempt has its own number. One statement: on PostgreSQL the rows another
     * instance is claiming at this moment are skipped, not waited for; on SQLite the write lock
     * makes the statement exclusive.
     */
    async claimDue(limit: number, now: number, claimedUntil: number): Promise<Claim[]> {
      const rows = await db
        .updateTable("webhook_deliveries")
        .set((eb) => ({ claimed_until: claimedUntil, attempts: eb("attempts", "+", 1) }))
        .where("id", "in", (eb) => {
          let due = eb
            .selectFrom("webhook_deliveries")
            .select("id")
            .where("status", "=", "pending")
            .where("next_attempt_at", "<=", now)
            .where((w) => w.or([w("claimed_until", "is", null), w("claimed_until", "<=", now)]))
            .orderBy("next_attempt_at")
            .limit(limit);
          if (kind === "postgres") due = due.forUpdate().skipLocked();
          return due;
        })
        .returningAll()
        .execute();
      return rows.map((row) => ({ row, attempt: row.attempts, claimedUntil: claimedUntil }));
    },

    /**
     * Records attempts and, for each whose lease is still its own, the delivery's new state, all in
     * one transaction. A lease that expired and was taken by another dispatcher leaves the row to
     * that one. Returns the ids whose lease was lost.
     */
    async recordAttempts(records: readonly AttemptRecord[]): Promise<string[]> {
      if (records.length === 0) return [];
      const outcomes = sql.join(
        records.map(({ claim, attempt, state }) => {
          const deliveredAt = state.status === "delivered" ? state.deliveredAt : null;
          const nextAttemptAt = state.status === "pending" ? state.nextAttemptAt : null;
          return sql`select cast(${claim.row.id} as text) as id, cast(${claim.claimedUntil} as bigint) as claimed_until, cast(${state.status} as text) as status,
            cast(${attempt.number} as integer) as number, cast(${attempt.attemptedAt} as bigint) as attempted_at, cast(${attempt.statusCode} as integer) as status_code,
            cast(${attempt.error} as text) as error, cast(${attempt.durationMs} as integer) as duration_ms,
            cast(${deliveredAt} as bigint) as delivered_at, cast(${nextAttemptAt} as bigint) as next_attempt_at`;
        }),
        sql` union all `,
      );
      // Each row's new state, fenced by its own lease; one statement for the whole batch.
      const update = (source: RawBuilder<unknown>) => sql<{ id: string }>`
        update webhook_deliveries set
          status = v.status, claimed_until = null, last_attempt_at = v.attempted_at, last_status_code = v.status_code, last_error = v.error,
          delivered_at = coalesce(v.delivered_at, webhook_deliveries.delivered_at),
          next_attempt_at = coalesce(v.next_attempt_at, webhook_deliveries.next_attempt_at)
        from ${source}
        where webhook_deliveries.id = v.id and webhook_deliveries.claimed_until = v.claimed_until
        returning webhook_deliveries.id`;
      let updated: { id: string }[];
      if (kind === "postgres") {
        // One round trip: the attempts and the states commit together in one statement.
        const statement = sql<{ id: string }>`
          with v as (${outcomes}),
          recorded as (
            insert into webhook_attempts (delivery_id, number, attempted_at, status_code, error, duration_ms)
            select id, number, attempted_at, status_code, error, duration_ms from v
            on conflict (delivery_id, number) do nothing
          )
          ${update(sql`v`)}`;
        updated = (await statement.execute(db)).rows;
      } else {
        updated = await db.transaction().execute(async (trx) => {
          const attempts: WebhookAttemptsTable[] = records.map(({ claim, attempt }) => ({
            delivery_id: claim.row.id,
            number: attempt.number,
            attempted_at: attempt.attemptedAt,
            status_code: attempt.statusCode,
            error: attempt.error,
            duration_ms: attempt.durationMs,
          }));
          await trx.insertInto("webhook_attempts").values(attempts).onConflict((oc) => oc.columns(["delivery_id", "number"]).doNothing()).execute();
          return (await update(sql`(${outcomes}) as v`).execute(trx)).rows;
        });
      }
      const kept = new Set(updated.map((row) => row.id));
      return records.map(({ claim }) => claim.row.id).filter((id) => !kept.has(id));
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
    async list(filter: { integrationId?: string; sessionId?: string; limit: number }): Promise<DeliveryRow[]> {
      let query = db.selectFrom("webhook_deliveries").selectAll();
      if (filter.integrationId !== undefined) query = query.where("integration_id", "=", filter.integrationId);
      if (filter.sessionId !== undefined) query = query.where("session_id", "=", filter.sessionId);
      return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit).execute();
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
