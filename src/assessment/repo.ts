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

    /** Other sessions' records of the integration with one of this document number's keys (one per live master key). */
    async withDocument(integrationId: string, documentKeys: readonly string[], exceptSessionId: string): Promise<Pick<AssessmentRow, "session_id">[]> {
      if (documentKeys.length === 0) return [];
      return db
        .selectFrom("engine_assessments")
        .select("session_id")
        .where("integration_id", "=", integrationId)
        .where("document_key", "in", documentKeys)
        .where("session_id", "<>", exceptSessionId)
        .distinct()
        .execute();
    },

    /** Records with a document number's key, by attempt id after `after`: a key rotation re-hashes them. */
    async documentKeyed(after: string, limit: number): Promise<(Pick<AssessmentRow, "attempt_id" | "session_id" | "integration_id" | "findings_sealed"> & { document_key: string })[]> {
      return db
        .selectFrom("engine_assessments")
        .select(["attempt_id", "session_id", "integration_id", "findings_sealed", "document_key"])
        .where("document_key", "is not", null)
        .where("attempt_id", ">", after)
        .orderBy("attempt_id")
        .limit(limit)
        .$narrowType<{ document_key: string }>()
        .execute();
    },

    /** The record's document key replaced, if it is still `from`; 1 when it was. */
    async setDocumentKey(attemptId: string, from: string, to: string): Promise<number> {
      const result = await db.updateTable("engine_assessments").set({ document_key: to }).where("attempt_id", "=", attemptId).where("document_key", "=", from).executeTakeFirst();
      return Number(result.numUpdatedRows);
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
