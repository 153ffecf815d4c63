import type { Kysely, Updateable } from "kysely";
import type { Database, SessionKeysTable, SessionStatus, SessionsTable } from "../store/schema.js";
import type { StoreKind } from "../store/db.js";
import { commitBatcher } from "../store/commit-batcher.js";
import { boundValues, reusableStatements } from "../store/statement-texts.js";
import type { VendorDataCodec } from "./vendor-data.js";
import type { SealedColumn } from "../store/reseal.js";
import { sessionKeyAad } from "./init-data.js";

export type SessionRow = SessionsTable;
export type NewSession = { session: SessionRow; key: SessionKeysTable };

/** Where a list page ends: the last row's creation time and id (rows are ordered by both, newest first). */
export interface ListPosition {
  createdAt: number;
  id: string;
}

export interface ListFilter {
  integrationId: string;
  vendorData?: string | undefined;
  status?: SessionStatus | undefined;
  after?: ListPosition | undefined;
  limit: number;
}

/** The back-office queue's filter: one status across every integration (a reviewer's view). */
export interface QueueFilter {
  status: SessionStatus;
  integrationId?: string | undefined;
  /** Created on or after / before (epoch ms). */
  from?: number | undefined;
  to?: number | undefined;
  vendorData?: string | undefined;
  limit: number;
}

// SQLite allows 32,766 bound parameters per statement; a session row has 17 columns.
const MAX_ROWS_PER_BATCH = 1000;
// Batches in flight at once on PostgreSQL (each on its own pooled connection).
const POSTGRES_CONCURRENT_BATCHES = 4;

export function sessionRepo(db: Kysely<Database>, kind: StoreKind, vendorData: Pick<VendorDataCodec, "hashes" | "reveal">) {
  const statement = reusableStatements();
  /** Rows with their data key beside them (null once erased), as `reveal` opens vendorData with it. */
  const withKeys = (from: Kysely<Database>) =>
    from.selectFrom("sessions").leftJoin("session_keys", "session_keys.session_id", "sessions.id").selectAll("sessions").select("session_keys.key_sealed");
  const revealAll = (rows: (SessionRow & { key_sealed: string | null })[]): SessionRow[] =>
    rows.map(({ key_sealed, ...row }) => vendorData.reveal(row, key_sealed === null ? undefined : { session_id: row.id, key_sealed }));
  /** One row read without the join (a locked read: FOR UPDATE cannot take the outer join's side). */
  const revealOne = async (row: SessionRow | undefined, trx: Kysely<Database> = db): Promise<SessionRow | undefined> => {
    if (!row || row.vendor_data_sealed === null) return row;
    return vendorData.reveal(row, await trx.selectFrom("session_keys").selectAll().where("session_id", "=", row.id).executeTakeFirst());
  };
  const writeBatch = async (batch: NewSession[]) => {
    const sessions = new Array<SessionRow>(batch.length);
    const keys = new Array<SessionKeysTable>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      sessions[i] = batch[i]!.session;
      keys[i] = batch[i]!.key;
    }
    const shape = `${batch.length}:${Object.keys(sessions[0]!).join()}:${Object.keys(keys[0]!).join()}`;
    const values = boundValues([sessions, keys]);
    if (kind === "postgres") {
      // One statement is one round trip, and atomic by itself: no BEGIN and COMMIT around it.
      await db.executeQuery(statement(shape, values, () => db.with("new_sessions", (q) => q.insertInto("sessions").values(sessions)).insertInto("session_keys").values(keys).compile()));
      return;
    }
    const sessionValues = values.slice(0, values.length - keys.length * Object.keys(keys[0]!).length);
    const keyValues = values.slice(sessionValues.length);
    await db.transaction().execute(async (trx) => {
      await trx.executeQuery(statement(`sessions ${shape}`, sessionValues, () => trx.insertInto("sessions").values(sessions).compile()));
      await trx.executeQuery(statement(`keys ${shape}`, keyValues, () => trx.insertInto("session_keys").values(keys).compile()));
    });
  };
  const inserts = commitBatcher<NewSession>(writeBatch, MAX_ROWS_PER_BATCH, kind === "postgres" ? POSTGRES_CONCURRENT_BATCHES : 1);

  return {
    /** Resolves once the session and its data key are committed (grouped with concurrent inserts). */
    insert(row: NewSession): Promise<void> {
      return inserts.enqueue(row);
    },

    /** A session of one integration; another integration's session is as absent as a missing one. */
    async findForIntegration(integrationId: string, id: string): Promise<SessionRow | undefined> {
      return revealOne(await db.selectFrom("sessions").selectAll().where("id", "=", id).where("integration_id", "=", integrationId).where("deleted_at", "is", null).executeTakeFirst());
    },

    /** In `trx` when given (a transition reading the person's data under its lock). */
    async findKey(sessionId: string, trx: Kysely<Database> = db): Promise<SessionKeysTable | undefined> {
      return trx.selectFrom("session_keys").selectAll().where("session_id", "=", sessionId).executeTakeFirst();
    },

    /** The list: keyset pagination over (created_at, id), an integration's live sessions only. */
    async page({ integrationId, vendorData: wanted, status, after, limit }: ListFilter): Promise<SessionRow[]> {
      let query = withKeys(db).where("integration_id", "=", integrationId).where("deleted_at", "is", null);
      if (wanted !== undefined) query = query.where("vendor_data_hash", "in", vendorData.hashes(wanted));
      if (status !== undefined) query = query.where("status", "=", status);
      if (after) {
        query = query.where((eb) => eb.or([eb("created_at", "<", after.createdAt), eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)])]));
      }
      return revealAll(await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute());
    },

    /** The live (not deleted) session, locked against concurrent transitions on PostgreSQL. */
    async lock(trx: Kysely<Database>, sessionId: string, integrationId?: string): Promise<SessionRow | undefined> {
      let query = trx.selectFrom("sessions").selectAll().where("id", "=", sessionId).where("deleted_at", "is", null);
      if (integrationId !== undefined) query = query.where("integration_id", "=", integrationId);
      // SQLite's transactions take the one write lock when they begin (store/db.ts): nothing to add.
      if (kind === "postgres") query = query.forUpdate();
      return revealOne(await query.executeTakeFirst(), trx);
    },

    async update(trx: Kysely<Database>, id: string, changes: Updateable<SessionsTable>): Promise<void> {
      await trx.updateTable("sessions").set(changes).where("id", "=", id).execute();
    },

    /** Destroys the session's data key: what was sealed under it can never be opened again. */
    async destroyKey(trx: Kysely<Database>, sessionId: string): Promise<void> {
      await trx.deleteFrom("session_keys").where("session_id", "=", sessionId).execute();
    },

    /** Final sessions of one integration decided before `cutoff` whose data is still there: retention's work list. */
    async erasableBefore(integrationId: string, statuses: readonly SessionStatus[], cutoff: number, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom("sessions")
        .select("id")
        .where("integration_id", "=", integrationId)
        .where("status", "in", [...statuses])
        .where("decided_at", "<", cutoff)
        .where("erased_at", "is", null)
        .where("deleted_at", "is", null)
        .orderBy("decided_at")
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },

    /** Sessions in `statuses` created before `cutoff`, oldest first: the expiry sweeper's work list. */
    async createdBefore(statuses: readonly SessionStatus[], cutoff: number, limit: number): Promise<Pick<SessionRow, "id" | "status">[]> {
      return db
        .selectFrom("sessions")
        .select(["id", "status"])
        .where("status", "in", [...statuses])
        .where("deleted_at", "is", null)
        .where("created_at", "<", cutoff)
        .orderBy("created_at")
        .limit(limit)
        .execute();
    },

    /** Any session, deleted ones included: the operator's view. */
    /**
     * Live sessions in one status across integrations: cases waiting in review oldest submission
     * first, anything else newest first (indexes sessions_status_submitted / _created, migration 0004).
     */
    async queue({ status, integrationId, from, to, vendorData: wanted, limit }: QueueFilter): Promise<SessionRow[]> {
      let query = withKeys(db).where("deleted_at", "is", null).where("status", "=", status);
      if (integrationId) query = query.where("integration_id", "=", integrationId);
      if (from !== undefined) query = query.where("created_at", ">=", from);
      if (to !== undefined) query = query.where("created_at", "<", to);
      if (wanted) query = query.where("vendor_data_hash", "in", vendorData.hashes(wanted));
      query = status === "review" ? query.orderBy("submitted_at", "asc").orderBy("id", "asc") : query.orderBy("created_at", "desc").orderBy("id", "desc");
      return revealAll(await query.limit(limit).execute());
    },

    /** Rows still holding vendorData in clear (written before migration 0009), with their data key. */
    async plainVendorData(limit: number): Promise<{ id: string; vendor_data: string; key_sealed: string | null }[]> {
      const rows = await withKeys(db).where("sessions.vendor_data", "is not", null).limit(limit).execute();
      return rows.map((row) => ({ id: row.id, vendor_data: row.vendor_data!, key_sealed: row.key_sealed }));
    },

    async setVendorData(id: string, columns: Pick<SessionRow, "vendor_data" | "vendor_data_hash" | "vendor_data_sealed">): Promise<void> {
      await db.updateTable("sessions").set(columns).where("id", "=", id).execute();
    },

    async findAny(sessionId: string): Promise<SessionRow | undefined> {
      return revealOne(await db.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst());
    },
  };
}

export type SessionRepo = ReturnType<typeof sessionRepo>;

/**
 * What of this capability's tables is sealed under the master keys: the data keys. Re-sealing one
 * (`earthid keys rotate`) also re-hashes the session's vendorData, whose index key comes from the
 * master key, in the same transaction.
 */
export function sessionSealedColumns(vendorData: Pick<VendorDataCodec, "hash" | "open">): SealedColumn[] {
  return [
    {
      table: "session_keys",
      id: "session_id",
      column: "key_sealed",
      aad: sessionKeyAad,
      async alongside(trx, sessionId, dataKey) {
        const row = await trx.selectFrom("sessions").select("vendor_data_sealed").where("id", "=", sessionId).executeTakeFirst();
        if (!row?.vendor_data_sealed) return;
        await trx.updateTable("sessions").set({ vendor_data_hash: vendorData.hash(vendorData.open(sessionId, dataKey, row.vendor_data_sealed)) }).where("id", "=", sessionId).execute();
      },
    },
  ];
}
