import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { type Actor, type AuditEvent, type AuditEventType, actorName } from "./events.js";
import { newRowId } from "../store/ids.js";

export interface AuditRecord {
  integrationId: string;
  sessionId: string | null;
  actor: Actor;
  at: number;
  event: AuditEvent;
}

/** The audit trail. `record` takes the caller's transaction: the event commits with the change. */
export function auditRepo(db: Kysely<Database>) {
  return {
    async record(trx: Kysely<Database>, { integrationId, sessionId, actor, at, event }: AuditRecord): Promise<void> {
      await trx
        .insertInto("audit_events")
        .values({ id: newRowId(), integration_id: integrationId, session_id: sessionId, type: event.type, actor: actorName(actor), data: JSON.stringify(event.data), created_at: at })
        .execute();
    },

    async listForSession(sessionId: string) {
      return db.selectFrom("audit_events").selectAll().where("session_id", "=", sessionId).orderBy("created_at").orderBy("id").execute();
    },

    /** When the integration's `type` events since `since` happened, newest first, in the caller's transaction. */
    async recentTimes(trx: Kysely<Database>, integrationId: string, type: AuditEventType, since: number, limit: number): Promise<number[]> {
      const rows = await trx
        .selectFrom("audit_events")
        .select("created_at")
        .where("integration_id", "=", integrationId)
        .where("type", "=", type)
        .where("created_at", ">", since)
        .orderBy("created_at", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => Number(row.created_at));
    },

    async countSince(integrationId: string, type: AuditEventType, since: number): Promise<number> {
      const row = await db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("integration_id", "=", integrationId)
        .where("type", "=", type)
        .where("created_at", ">=", since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type AuditRepo = ReturnType<typeof auditRepo>;
