import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { type AssessmentDb, type EngineAssessmentsTable, type IntegrationPoliciesTable, assessmentDb } from "./tables.js";

export type AssessmentRow = EngineAssessmentsTable;
export type PolicyRow = IntegrationPoliciesTable;

/**
 * The only SQL of engine_assessments and integration_policies. Functions that take `trx` run in the
 * caller's transaction (on SQLite the plain `db` would wait for it forever).
 */
export function assessmentRepo(store: Kysely<Database>) {
  const db = assessmentDb(store);
  const within = (trx: Kysely<Database> | undefined): AssessmentDb => (trx ? assessmentDb(trx) : db);

  return {
    /** One record per attempt: a retried job replaces what an interrupted one wrote. */
    async save(row: AssessmentRow): Promise<void> {
      const { attempt_id: _, ...changes } = row;
      await db.insertInto("engine_assessments").values(row).onConflict((oc) => oc.column("attempt_id").doUpdateSet(changes)).execute();
    },

    async find(attemptId: string, trx?: Kysely<Database>): Promise<AssessmentRow | undefined> {
      return within(trx).selectFrom("engine_assessments").selectAll().where("attempt_id", "=", attemptId).executeTakeFirst();
    },

    /** The session's records, newest first. */
    async ofSession(sessionId: string): Promise<AssessmentRow[]> {
      return db.selectFrom("engine_assessments").selectAll().where("session_id", "=", sessionId).orderBy("created_at", "desc").execute();
    },

    /** Other sessions' records of the integration with this document number's key. */
    async withDocument(integrationId: string, documentKey: string, exceptSessionId: string): Promise<Pick<AssessmentRow, "session_id">[]> {
      return db
        .selectFrom("engine_assessments")
        .select("session_id")
        .where("integration_id", "=", integrationId)
        .where("document_key", "=", documentKey)
        .where("session_id", "<>", exceptSessionId)
        .distinct()
        .execute();
    },

    /** Other sessions' selfie descriptors in the integration, newest first, at most `limit`. */
    async faces(integrationId: string, exceptSessionId: string, limit: number): Promise<Pick<AssessmentRow, "session_id" | "attempt_id" | "face_sealed">[]> {
      return db
        .selectFrom("engine_assessments")
        .select(["session_id", "attempt_id", "face_sealed"])
        .where("integration_id", "=", integrationId)
        .where("session_id", "<>", exceptSessionId)
        .where("face_sealed", "is not", null)
        .orderBy("created_at", "desc")
        .limit(limit)
        .execute();
    },

    /** Part of a session's erasure, in its transaction. */
    async eraseSession(trx: Kysely<Database>, sessionId: string): Promise<number> {
      const result = await assessmentDb(trx).deleteFrom("engine_assessments").where("session_id", "=", sessionId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async latestPolicy(integrationId: string, trx?: Kysely<Database>): Promise<PolicyRow | undefined> {
      return within(trx).selectFrom("integration_policies").selectAll().where("integration_id", "=", integrationId).orderBy("version", "desc").limit(1).executeTakeFirst();
    },

    async policyVersion(integrationId: string, version: number): Promise<PolicyRow | undefined> {
      return db.selectFrom("integration_policies").selectAll().where("integration_id", "=", integrationId).where("version", "=", version).executeTakeFirst();
    },

    async insertPolicy(trx: Kysely<Database>, row: PolicyRow): Promise<void> {
      await assessmentDb(trx).insertInto("integration_policies").values(row).execute();
    },

    /** Runs `fn` in one transaction of the store. */
    transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      return store.transaction().execute(fn);
    },
  };
}

export type AssessmentRepo = ReturnType<typeof assessmentRepo>;
