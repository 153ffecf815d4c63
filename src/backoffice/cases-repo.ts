import { newRowId } from "../store/ids.js";
import type { BackofficeDb, ReviewCasesTable } from "./tables.js";

/** SQL of who works which attempt in review. */
export function casesRepo(db: BackofficeDb) {
  const find = (sessionId: string, attemptId: string) =>
    db.selectFrom("review_cases").selectAll().where("session_id", "=", sessionId).where("attempt_id", "=", attemptId).executeTakeFirst();

  return {
    find,

    /**
     * Takes the case for `reviewerId` unless someone holds it; the unique (session, attempt) key makes
     * two simultaneous claims end with one holder. Returns the holder, whoever it is.
     */
    async claim(sessionId: string, attemptId: string, reviewerId: string, at: number): Promise<ReviewCasesTable> {
      await db
        .insertInto("review_cases")
        .values({ id: newRowId(at), session_id: sessionId, attempt_id: attemptId, reviewer_id: reviewerId, assigned_at: at, decided_at: null, decision_id: null, note: null })
        .onConflict((oc) => oc.columns(["session_id", "attempt_id"]).doNothing())
        .execute();
      return (await find(sessionId, attemptId))!;
    },

    async release(sessionId: string, attemptId: string, reviewerId: string): Promise<void> {
      await db.deleteFrom("review_cases").where("session_id", "=", sessionId).where("attempt_id", "=", attemptId).where("reviewer_id", "=", reviewerId).where("decided_at", "is", null).execute();
    },

    async recordDecision(id: string, values: { decided_at: number; decision_id: string; note: string | null }): Promise<void> {
      await db.updateTable("review_cases").set(values).where("id", "=", id).execute();
    },

    /** The holders of these sessions' current attempts, with their emails. */
    async holders(pairs: Array<{ sessionId: string; attemptId: string }>): Promise<Array<ReviewCasesTable & { email: string }>> {
      const sessionIds = pairs.map((p) => p.sessionId);
      if (sessionIds.length === 0) return [];
      const rows = await db
        .selectFrom("review_cases")
        .innerJoin("reviewers", "reviewers.id", "review_cases.reviewer_id")
        .selectAll("review_cases")
        .select("reviewers.email")
        .where("review_cases.session_id", "in", sessionIds)
        .execute();
      const wanted = new Set(pairs.map((p) => `${p.sessionId}/${p.attemptId}`));
      return rows.filter((row) => wanted.has(`${row.session_id}/${row.attempt_id}`));
    },

    /** Every review of a session, with who did it, for its timeline. */
    async forSession(sessionId: string) {
      return db
        .selectFrom("review_cases")
        .innerJoin("reviewers", "reviewers.id", "review_cases.reviewer_id")
        .selectAll("review_cases")
        .select("reviewers.email")
        .where("review_cases.session_id", "=", sessionId)
        .orderBy("review_cases.assigned_at")
        .execute();
    },
  };
}

export type CasesRepo = ReturnType<typeof casesRepo>;
