import type { Kysely, Updateable } from "kysely";
import type { Dialect } from "../store/dialect.js";
import type { AttemptsTable, Database, DecisionsTable } from "../store/schema.js";

/**
 * SQL of the attempts and decisions tables. Functions that take `trx` run inside the caller's
 * transaction; on SQLite never reach for the plain `db` inside a transaction (there is one
 * connection: it would wait forever).
 */
export function verificationRepo(db: Kysely<Database>, dialect: Dialect) {
  return {
    async lastAttemptNumber(trx: Kysely<Database>, sessionId: string): Promise<number> {
      const row = await trx.selectFrom("attempts").select((eb) => eb.fn.max("number").as("n")).where("session_id", "=", sessionId).executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async insertAttempt(trx: Kysely<Database>, attempt: AttemptsTable): Promise<void> {
      await trx.insertInto("attempts").values(attempt).execute();
    },

    async updateAttempt(trx: Kysely<Database>, id: string, changes: Updateable<AttemptsTable>): Promise<void> {
      await trx.updateTable("attempts").set(changes).where("id", "=", id).execute();
    },

    async findAttempt(trx: Kysely<Database>, id: string): Promise<AttemptsTable | undefined> {
      return trx.selectFrom("attempts").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /** Which session an attempt belongs to: one indexed lookup (the attempt-media route needs nothing else). */
    async attemptSession(attemptId: string): Promise<Pick<AttemptsTable, "id" | "session_id"> | undefined> {
      return db.selectFrom("attempts").select(["id", "session_id"]).where("id", "=", attemptId).executeTakeFirst();
    },

    async insertDecision(trx: Kysely<Database>, decision: DecisionsTable): Promise<void> {
      await trx.insertInto("decisions").values(decision).execute();
    },

    /**
     * Serialises the integration's deletions until the transaction ends, so that two instances
     * cannot both pass the deletion rate limit (PostgreSQL; SQLite has one writer anyway).
     */
    async serialiseDeletions(trx: Kysely<Database>, integrationId: string): Promise<void> {
      await dialect.serialiseOn(trx, `earthid:delete:${integrationId}`);
    },

    async decisions(sessionId: string): Promise<DecisionsTable[]> {
      return db.selectFrom("decisions").selectAll().where("session_id", "=", sessionId).orderBy("decided_at").orderBy("id").execute();
    },

    async latestDecision(sessionId: string): Promise<DecisionsTable | undefined> {
      return db.selectFrom("decisions").selectAll().where("session_id", "=", sessionId).orderBy("decided_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
    },

    /** Final decisions (review is not one) since `since`: when, what, by whom, and when their attempt was submitted. For the overview. */
    async finalDecisionsSince(since: number): Promise<Array<{ status: string; decidedBy: string; decidedAt: number; submittedAt: number | null }>> {
      const rows = await db
        .selectFrom("decisions as d")
        .leftJoin("attempts as a", "a.id", "d.attempt_id")
        .select(["d.status", "d.decided_by", "d.decided_at", "a.submitted_at"])
        .where("d.decided_at", ">=", since)
        .where("d.status", "!=", "review")
        .execute();
      return rows.map((r) => ({ status: r.status, decidedBy: r.decided_by, decidedAt: Number(r.decided_at), submittedAt: r.submitted_at === null ? null : Number(r.submitted_at) }));
    },

    async attempts(sessionId: string): Promise<AttemptsTable[]> {
      return db.selectFrom("attempts").selectAll().where("session_id", "=", sessionId).orderBy("number").execute();
    },
  };
}

export type VerificationRepo = ReturnType<typeof verificationRepo>;
