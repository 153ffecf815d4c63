import type { Kysely, Updateable } from "kysely";
import type { Database, SessionKeysTable, SessionStatus, SessionsTable } from "../store/schema.js";
import type { Dialect } from "../store/dialect.js";
import { commitBatcher } from "../store/commit-batcher.js";
import { reusableStatements } from "../store/statement-texts.js";

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
export function sessionRepo(db: Kysely<Database>, dialect: Dialect) {
  const statement = reusableStatements();
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
      return db.selectFrom("sessions").selectAll().where("id", "=", id).where("integration_id", "=", integrationId).where("deleted_at", "is", null).executeTakeFirst();
    },

    /** In `trx` when given (a transition reading the person's data under its lock). */
    async findKey(sessionId: string, trx: Kysely<Database> = db): Promise<SessionKeysTable | undefined> {
      return trx.selectFrom("session_keys").selectAll().where("session_id", "=", sessionId).executeTakeFirst();
    },

    /** The list: keyset pagination over (created_at, id), an integration's live sessions only. */
    async page({ integrationId, vendorData, status, after, limit }: ListFilter): Promise<SessionRow[]> {
      let query = db.selectFrom("sessions").selectAll().where("integration_id", "=", integrationId).where("deleted_at", "is", null);
      if (vendorData !== undefined) query = query.where("vendor_data", "=", vendorData);
      if (status !== undefined) query = query.where("status", "=", status);
      // A row-value comparison: both stores read it as a range of the index, where an OR of the two
      // cases would be a filter over every row before the position.
      if (after) query = query.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
      return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
    },

    /** The live (not deleted) session, locked against concurrent transitions on PostgreSQL. */
    async lock(trx: Kysely<Database>, sessionId: string, integrationId?: string): Promise<SessionRow | undefined> {
      let query = trx.selectFrom("sessions").selectAll().where("id", "=", sessionId).where("deleted_at", "is", null);
      if (integrationId !== undefined) query = query.where("integration_id", "=", integrationId);
      return dialect.lockForChange(query).executeTakeFirst();
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
     * first, anything else newest first (indexes sessions_status_submitted / _created, migration 0004).
     */
    async queue({ status, integrationId, from, to, vendorData, limit }: QueueFilter): Promise<SessionRow[]> {
      let query = db.selectFrom("sessions").selectAll().where("deleted_at", "is", null).where("status", "=", status);
      if (integrationId) query = query.where("integration_id", "=", integrationId);
      if (from !== undefined) query = query.where("created_at", ">=", from);
      if (to !== undefined) query = query.where("created_at", "<", to);
      if (vendorData) query = query.where("vendor_data", "=", vendorData);
      query = status === "review" ? query.orderBy("submitted_at", "asc").orderBy("id", "asc") : query.orderBy("created_at", "desc").orderBy("id", "desc");
      return query.limit(limit).execute();
    },

    async findAny(sessionId: string): Promise<SessionRow | undefined> {
      return db.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst();
    },
  };
}

export type SessionRepo = ReturnType<typeof sessionRepo>;
