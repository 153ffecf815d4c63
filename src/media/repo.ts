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

    /** In upload order. */
    async listForAttempt(attemptId: string): Promise<MediaRow[]> {
      return db.selectFrom("media").selectAll().where("attempt_id", "=", attemptId).orderBy("created_at").orderBy("id").execute();
    },
  };
}

export type MediaRepo = ReturnType<typeof mediaRepo>;
