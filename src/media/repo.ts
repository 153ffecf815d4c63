import type { Kysely } from "kysely";
import type { Database, MediaTable } from "../store/schema.js";

export type MediaRow = MediaTable;

/** SQL of the media table. `insert` runs in the caller's transaction (SQLite: never `db` in there). */
export function mediaRepo(db: Kysely<Database>) {
  return {
    async insert(trx: Kysely<Database>, row: MediaRow): Promise<void> {
      await trx.insertInto("media").values(row).execute();
    },

    async find(id: string): Promise<MediaRow | undefined> {
      return db.selectFrom("media").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /** How many media a session has, in the caller's transaction (the erasure's audit event counts them). */
    async countForSession(trx: Kysely<Database>, sessionId: string): Promise<number> {
      const row = await trx.selectFrom("media").select((eb) => eb.fn.countAll<number>().as("n")).where("session_id", "=", sessionId).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Every attempt's media of a session, in upload order (the back-office's session page). */
    async listForSession(sessionId: string): Promise<MediaRow[]> {
      return db.selectFrom("media").selectAll().where("session_id", "=", sessionId).orderBy("created_at").orderBy("id").execute();
    },

    /**
     * Removes the attempt's media of one context, in the caller's transaction, and says which they
     * were: what a retake in the hosted flow replaces.
     */
    async deleteInAttempt(trx: Kysely<Database>, attemptId: string, context: string): Promise<string[]> {
      const rows = await trx.selectFrom("media").select("id").where("attempt_id", "=", attemptId).where("context", "=", context).execute();
      if (rows.length > 0) await trx.deleteFrom("media").where("attempt_id", "=", attemptId).where("context", "=", context).execute();
      return rows.map((row) => row.id);
    },

    /** In upload order. */
    async listForAttempt(attemptId: string): Promise<MediaRow[]> {
      return db.selectFrom("media").selectAll().where("attempt_id", "=", attemptId).orderBy("created_at").orderBy("id").execute();
    },
  };
}

export type MediaRepo = ReturnType<typeof mediaRepo>;
