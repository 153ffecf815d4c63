import type { Kysely } from "kysely";
import type { Database, SessionKeysTable, SessionsTable } from "../store/schema.js";
import { commitBatcher } from "../store/commit-batcher.js";

export type SessionRow = SessionsTable;
export type NewSession = { session: SessionRow; key: SessionKeysTable };

// SQLite allows 32,766 bound parameters per statement; a session row has 11 columns.
const MAX_ROWS_PER_BATCH = 1000;

export function sessionRepo(db: Kysely<Database>) {
  const inserts = commitBatcher<NewSession>(async (batch) => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("sessions").values(batch.map((b) => b.session)).execute();
      await trx.insertInto("session_keys").values(batch.map((b) => b.key)).execute();
    });
  }, MAX_ROWS_PER_BATCH);

  return {
    /** Resolves once the session and its data key are committed (grouped with concurrent inserts). */
    insert(row: NewSession): Promise<void> {
      return inserts.enqueue(row);
    },

    /** A session of one integration; another integration's session is as absent as a missing one. */
    async findForIntegration(integrationId: string, id: string): Promise<SessionRow | undefined> {
      return db.selectFrom("sessions").selectAll().where("id", "=", id).where("integration_id", "=", integrationId).where("deleted_at", "is", null).executeTakeFirst();
    },

    async findKey(sessionId: string): Promise<SessionKeysTable | undefined> {
      return db.selectFrom("session_keys").selectAll().where("session_id", "=", sessionId).executeTakeFirst();
    },
  };
}

export type SessionRepo = ReturnType<typeof sessionRepo>;
