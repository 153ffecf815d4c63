import { type Kysely, type Updateable, sql } from "kysely";
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

    /**
     * Final decisions (review is not one) since `since`, counted in the store by UTC day (epoch day
     * number), outcome and who decided: at most days × outcomes × actors rows, however many decisions.
     */
    async finalDecisionCounts(since: number): Promise<Array<{ day: number; status: string; decidedBy: string; n: number }>> {
      const day = sql<number>`decided_at / 86400000`;
      const rows = await db
        .selectFrom("decisions")
        .select([day.as("day"), "status", "decided_by", (eb) => eb.fn.countAll<number>().as("n")])
        .where("decided_at", ">=", since)
        .where("status", "!=", "review")
        .groupBy([day, "status", "decided_by"])
        .execute();
      return rows.map((r) => ({ day: Number(r.day), status: r.status, decidedBy: r.decided_by, n: Number(r.n) }));
    },

    /**
     * The median time from an attempt's submission to its final decision, over the final decisions
     * since `since`, in ms (the mean of the two middle ones for an even count); null without any.
     * Computed in the store with window functions, which both SQLite and PostgreSQL have. The attempt
     * is read per decision, by its key: a join would let a planner hash the whole attempts table.
     */
    async medianDecisionMs(since: number): Promise<number | null> {
      const { rows } = await sql<{ median: number | string | null }>`
        with delays as (
          select decided_at - (select submitted_at from attempts where attempts.id = decisions.attempt_id) as delay from decisions
          where decided_at >= ${since} and status != 'review' and attempt_id is not null
        ),
        ranked as (select delay, row_number() over (order by delay) as position, count(*) over () as total from delays where delay is not null)
        select avg(delay) as median from ranked where position in ((total + 1) / 2, (total + 2) / 2)`.execute(db);
      const median = rows[0]?.median;
      return median === null || median === undefined ? null : Number(median);
    },

    async attempts(sessionId: string): Promise<AttemptsTable[]> {
      return db.selectFrom("attempts").selectAll().where("session_id", "=", sessionId).orderBy("number").execute();
    },
  };
}

export type VerificationRepo = ReturnType<typeof verificationRepo>;
