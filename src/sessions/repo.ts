import type { Kysely, Updateable } from "kysely";
import type { Database, SessionKeysTable, SessionStatus, SessionsTable } from "../store/schema.js";
import type { StoreKind } from "../store/db.js";
import { commitBatcher } from "../store/commit-batcher.js";
import { boundValues, reusableStatements } from "../store/statement-texts.js";

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

// SQLite allows 32,766 bound parameters per statement; a session row has 17 columns.
const MAX_ROWS_PER_BATCH = 1000;
// Batches in flight at once on PostgreSQL (each on its own pooled connection).
const POSTGRES_CONCURRENT_BATCHES = 4;

export function sessionRepo(db: Kysely<Database>, kind: StoreKind) {
  const statement = reusableStatements();
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
      if (after) {
        query = query.where((eb) => eb.or([eb("created_at", "<", after.createdAt), eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)])]));
      }
      return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
    },

    /** The live (not deleted) session, locked against concurrent transitions on PostgreSQL. */
    async lock(trx: Kysely<Database>, sessionId: string, integrationId?: string): Promise<SessionRow | undefined> {
      let query = trx.selectFrom("sessions").selectAll().where("id", "=", sessionId).where("deleted_at", "is", null);
      if (integrationId !== undefined) query = query.where("integration_id", "=", integrationId);
      // SQLite's transactions take the one write lock when they begin (store/db.ts): nothing to add.
      if (kind === "postgres") query = query.forUpdate();
      return query.executeTakeFirst();
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
    async findAny(sessionId: string): Promise<SessionRow | undefined> {
      return db.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst();
    },
  };
}

export type SessionRepo = ReturnType<typeof sessionRepo>;
