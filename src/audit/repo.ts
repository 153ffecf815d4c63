import { type Kysely, sql } from "kysely";
import type { Database } from "../store/schema.js";
import type { StoreKind } from "../store/db.js";
import { type Actor, type AuditEvent, type AuditEventType, actorName } from "./events.js";
import type { ChainAnchor, SealedEvent } from "./chain.js";
import { chained, linkPending } from "../store/audit-chain.js";
import { newRowId } from "../store/ids.js";

export interface AuditRecord {
  /** Null for an event that belongs to no integration (a reviewer's login). */
  integrationId: string | null;
  sessionId: string | null;
  actor: Actor;
  at: number;
  event: AuditEvent;
}

/** Any number: the one PostgreSQL advisory lock that makes one sealer at a time, across instances. */
const CHAIN_LOCK = 7_314_159_265;

/** The audit trail. `record` takes the caller's transaction: the event commits with the change. */
export function auditRepo(db: Kysely<Database>, kind: StoreKind) {
  return {
    /**
     * One round of the sealer: links what is waiting, unless another instance is sealing right now
     * (PostgreSQL; on SQLite the transaction's write lock already makes one writer). Returns how
     * many events it linked.
     */
    async seal(limit = 1000): Promise<number> {
      // Most rounds find nothing: asked first without a transaction (or SQLite's write lock).
      const waiting = await db.selectFrom("audit_events").select("id").where("seq", "is", null).limit(1).executeTakeFirst();
      if (!waiting) return 0;
      return db.transaction().execute(async (trx) => {
        if (kind === "postgres") {
          const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${CHAIN_LOCK}) as locked`.execute(trx);
          if (!rows[0]?.locked) return 0;
        }
        return linkPending(trx, limit);
      });
    },

    /** Where the kept chain starts: the last event retention deleted; undefined while none was. */
    async anchor(): Promise<ChainAnchor | undefined> {
      const row = await db.selectFrom("audit_anchor").select(["seq", "hash", "created_at"]).where("id", "=", 1).executeTakeFirst();
      return row && { seq: Number(row.seq), hash: row.hash, createdAt: Number(row.created_at) };
    },

    /**
     * Deletes up to `limit` sealed events from the chain's old end, those created before `before`,
     * and moves the anchor to the last one deleted, in one transaction: the kept chain verifies
     * from it. Stops at the first event not that old, so that what is kept stays one unbroken chain.
     */
    async prune(before: number, limit: number): Promise<number> {
      return db.transaction().execute(async (trx) => {
        // One pruner at a time across instances; the sealer skips its round meanwhile.
        if (kind === "postgres") await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
        const anchor = await trx.selectFrom("audit_anchor").select("seq").where("id", "=", 1).executeTakeFirst();
        const from = anchor ? Number(anchor.seq) : 0;
        const oldest = await trx.selectFrom("audit_events").select(["seq", "hash", "created_at"]).where("seq", ">", from).orderBy("seq").limit(limit).execute();
        const kept = oldest.findIndex((row) => Number(row.created_at) >= before);
        const last = oldest[(kept === -1 ? oldest.length : kept) - 1];
        if (!last) return 0;
        const next = { seq: Number(last.seq), hash: last.hash ?? "", created_at: Number(last.created_at), pruned_at: Date.now() };
        const deleted = await trx.deleteFrom("audit_events").where("seq", ">", from).where("seq", "<=", next.seq).executeTakeFirst();
        await trx.insertInto("audit_anchor").values({ id: 1, ...next }).onConflict((oc) => oc.column("id").doUpdateSet(next)).execute();
        return Number(deleted.numDeletedRows);
      });
    },

    /** Sealed events in chain order, `limit` of them after sequence number `after`. */
    async sealedAfter(after: number, limit: number): Promise<SealedEvent[]> {
      const rows = await db.selectFrom("audit_events").selectAll().where("seq", ">", after).orderBy("seq").limit(limit).execute();
      return rows.map((row) => ({ ...chained(row, Number(row.seq)), prevHash: row.prev_hash ?? "", hash: row.hash ?? "" }));
    },

    /** The sequence number of the first sealed event at or after `time`; undefined when there is none. */
    async firstSeqSince(time: number): Promise<number | undefined> {
      const row = await db.selectFrom("audit_events").select((eb) => eb.fn.min("seq").as("seq")).where("seq", "is not", null).where("created_at", ">=", time).executeTakeFirst();
      return row?.seq === null || row?.seq === undefined ? undefined : Number(row.seq);
    },

    async countUnsealed(): Promise<number> {
      const row = await db.selectFrom("audit_events").select((eb) => eb.fn.countAll<number>().as("n")).where("seq", "is", null).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async record(trx: Kysely<Database>, { integrationId, sessionId, actor, at, event }: AuditRecord): Promise<void> {
      await trx
        .insertInto("audit_events")
        .values({ id: newRowId(), integration_id: integrationId, session_id: sessionId, type: event.type, actor: actorName(actor), data: JSON.stringify(event.data), created_at: at })
        .execute();
    },

    async listForSession(sessionId: string) {
      return db.selectFrom("audit_events").selectAll().where("session_id", "=", sessionId).orderBy("created_at").orderBy("id").execute();
    },

    /** When the integration's `type` events since `since` happened, newest first, in the caller's transaction. */
    async recentTimes(trx: Kysely<Database>, integrationId: string, type: AuditEventType, since: number, limit: number): Promise<number[]> {
      const rows = await trx
        .selectFrom("audit_events")
        .select("created_at")
        .where("integration_id", "=", integrationId)
        .where("type", "=", type)
        .where("created_at", ">", since)
        .orderBy("created_at", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => Number(row.created_at));
    },

    async countSince(integrationId: string, type: AuditEventType, since: number): Promise<number> {
      const row = await db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("integration_id", "=", integrationId)
        .where("type", "=", type)
        .where("created_at", ">=", since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type AuditRepo = ReturnType<typeof auditRepo>;
