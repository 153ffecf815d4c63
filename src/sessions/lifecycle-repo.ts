import { type Kysely, type Updateable, sql } from "kysely";
import type { StoreKind } from "../store/db.js";
import type { AttemptsTable, Database, DecisionsTable, SessionsTable } from "../store/schema.js";

/**
 * SQL of the lifecycle. Functions that take `trx` run inside the caller's transaction; on SQLite
 * never reach for the plain `db` inside a transaction (there is one connection: it would wait forever).
 */
export function lifecycleRepo(db: Kysely<Database>, kind: StoreKind) {
  return {
    /** The live (not deleted) session, locked against concurrent transitions on PostgreSQL. */
    async lock(trx: Kysely<Database>, sessionId: string, integrationId?: string): Promise<SessionsTable | undefined> {
      let query = trx.selectFrom("sessions").selectAll().where("id", "=", sessionId).where("deleted_at", "is", null);
      if (integrationId !== undefined) query = query.where("integration_id", "=", integrationId);
      if (kind === "postgres") query = query.forUpdate();
      return query.executeTakeFirst();
    },

    async updateSession(trx: Kysely<Database>, id: string, changes: Updateable<SessionsTable>): Promise<void> {
      await trx.updateTable("sessions").set(changes).where("id", "=", id).execute();
    },

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

    async insertDecision(trx: Kysely<Database>, decision: DecisionsTable): Promise<void> {
      await trx.insertInto("decisions").values(decision).execute();
    },

    async sessionKey(trx: Kysely<Database>, sessionId: string) {
      return trx.selectFrom("session_keys").selectAll().where("session_id", "=", sessionId).executeTakeFirst();
    },

    /** Destroys the session's data key: what was sealed under it can never be opened again. */
    async destroySessionKey(trx: Kysely<Database>, sessionId: string): Promise<void> {
      await trx.deleteFrom("session_keys").where("session_id", "=", sessionId).execute();
    },

    /**
     * Serialises the integration's deletions until the transaction ends, so that two instances
     * cannot both pass the deletion rate limit (PostgreSQL; SQLite has one writer anyway).
     */
    async serialiseDeletions(trx: Kysely<Database>, integrationId: string): Promise<void> {
      if (kind === "postgres") await sql`select pg_advisory_xact_lock(hashtext(${`earthid:delete:${integrationId}`}))`.execute(trx);
    },

    /** Final sessions of one integration decided before `cutoff` whose data is still there: retention's work list. */
    async erasableBefore(integrationId: string, statuses: readonly string[], cutoff: number, limit: number): Promise<string[]> {
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

    /** Unfinished sessions created before `cutoff`, oldest first: the expiry sweeper's work list. */
    async unfinishedBefore(cutoff: number, limit: number): Promise<Pick<SessionsTable, "id" | "status">[]> {
      return db
        .selectFrom("sessions")
        .select(["id", "status"])
        .where("status", "in", ["created", "started", "resubmission_requested"])
        .where("deleted_at", "is", null)
        .where("created_at", "<", cutoff)
        .orderBy("created_at")
        .limit(limit)
        .execute();
    },

    /** Any session, deleted ones included: the operator's view. */
    async findAny(sessionId: string): Promise<SessionsTable | undefined> {
      return db.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst();
    },

    async decisions(sessionId: string): Promise<DecisionsTable[]> {
      return db.selectFrom("decisions").selectAll().where("session_id", "=", sessionId).orderBy("decided_at").orderBy("id").execute();
    },

    async latestDecision(sessionId: string): Promise<DecisionsTable | undefined> {
      return db.selectFrom("decisions").selectAll().where("session_id", "=", sessionId).orderBy("decided_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
    },

    async attempts(sessionId: string): Promise<AttemptsTable[]> {
      return db.selectFrom("attempts").selectAll().where("session_id", "=", sessionId).orderBy("number").execute();
    },
  };
}

export type LifecycleRepo = ReturnType<typeof lifecycleRepo>;
