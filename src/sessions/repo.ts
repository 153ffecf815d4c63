import { type Kysely, type Updateable, sql } from "kysely";
import type { Database, SessionKeysTable, SessionStatus, SessionsTable } from "../store/schema.js";
import type { Dialect } from "../store/dialect.js";
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

/**
 * The status compared as an expression no index is read for: with vendorData in the filter, the
 * vendorData index gives one end user's sessions, a handful, and the status is checked on those;
 * compared plainly, a planner without statistics may walk every session in that status instead.
 */
const statusOfFewRows = sql.ref<string>("sessions.status");
const sameStatus = (status: SessionStatus) => sql<boolean>`${statusOfFewRows} || '' = ${status}`;

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

/** The queue's order: cases in review oldest submission first, anything else newest first; id breaks ties. */
export function queueOrder(status: SessionStatus): (a: SessionRow, b: SessionRow) => number {
  const byId = (a: SessionRow, b: SessionRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (status === "review") return (a, b) => (a.submitted_at ?? 0) - (b.submitted_at ?? 0) || byId(a, b);
  return (a, b) => b.created_at - a.created_at || byId(b, a);
}

// SQLite allows 32,766 bound parameters per statement; a session row has 17 columns.
const MAX_ROWS_PER_BATCH = 1000;
export function sessionRepo(db: Kysely<Database>, dialect: Dialect, vendorData: Pick<VendorDataCodec, "hashes" | "reveal">) {
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
    await dialect.insertTogether(db, statement, shape, { table: "sessions", rows: sessions }, { table: "session_keys", rows: keys });
  };
  const inserts = commitBatcher<NewSession>(writeBatch, MAX_ROWS_PER_BATCH, dialect.commitsInFlight);

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
      if (status !== undefined) query = query.where(wanted === undefined ? sql<boolean>`${sql.ref("status")} = ${status}` : sameStatus(status));
      // A row-value comparison: both stores read it as a range of the index, where an OR of the two
      // cases would be a filter over every row before the position.
      if (after) query = query.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
      return revealAll(await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute());
    },

    /** The live (not deleted) session, locked against concurrent transitions on PostgreSQL. */
    async lock(trx: Kysely<Database>, sessionId: string, integrationId?: string): Promise<SessionRow | undefined> {
      let query = trx.selectFrom("sessions").selectAll().where("id", "=", sessionId).where("deleted_at", "is", null);
      if (integrationId !== undefined) query = query.where("integration_id", "=", integrationId);
      return revealOne(await dialect.lockForChange(query).executeTakeFirst(), trx);
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

    /**
     * Sessions in `statuses` created before `cutoff`, oldest first: the expiry sweeper's work list. One
     * read per status, each the start of a range of sessions_status_created_id, merged here: `status
     * in (…)` ordered by creation would sort every match.
     */
    async createdBefore(statuses: readonly SessionStatus[], cutoff: number, limit: number): Promise<Pick<SessionRow, "id" | "status">[]> {
      const perStatus = await Promise.all(
        statuses.map((status) =>
          db
            .selectFrom("sessions")
            .select(["id", "status", "created_at"])
            .where("status", "=", status)
            .where("created_at", "<", cutoff)
            .where("deleted_at", "is", null)
            .orderBy("created_at")
            .orderBy("id")
            .limit(limit)
            .execute(),
        ),
      );
      const oldest = perStatus.flat().sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
      return oldest.slice(0, limit).map(({ id, status }) => ({ id, status }));
    },

    /** Any session, deleted ones included: the operator's view. */
    /**
     * Live sessions in one status across integrations: cases waiting in review oldest submission
     * first, anything else newest first (the partial indexes of sessions in review, migration 0017, and sessions_status_created_id).
     */
    async queue({ status, integrationId, from, to, vendorData: wanted, limit }: QueueFilter): Promise<SessionRow[]> {
      let query = withKeys(db).where("deleted_at", "is", null);
      // Sessions in review are found by the partial indexes of migration 0017, which hold only them:
      // the status written as the literal of their predicate, as a planner matches it.
      if (wanted) query = query.where(sameStatus(status));
      else query = query.where("status", "=", status === "review" ? sql.lit("review") : status);
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
