import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditEventsTable, Database } from "./schema.js";

/**
 * The audit trail's hash chain: the rule a third party applies to an export (README, "Audit
 * trail"). Each sealed event has a sequence number (1, 2, 3, … with no gap) and carries the hash of
 * the one before; the first one's previous hash is GENESIS. This text is a published contract:
 * changing it breaks every chain already written.
 */
export const GENESIS = "0".repeat(64);

/** An event as the chain sees it: the stored columns, `data` as the exact JSON text stored. */
export interface ChainedEvent {
  seq: number;
  id: string;
  integrationId: string | null;
  sessionId: string | null;
  type: string;
  actor: string;
  data: string;
  createdAt: number;
}

/** SHA-256 (lower-case hex) of the UTF-8 bytes of JSON.stringify([prevHash, seq, id, integrationId, sessionId, type, actor, data, createdAt]). */
export function linkHash(prevHash: string, event: ChainedEvent): string {
  const fields = [prevHash, event.seq, event.id, event.integrationId, event.sessionId, event.type, event.actor, event.data, event.createdAt];
  return createHash("sha256").update(JSON.stringify(fields), "utf8").digest("hex");
}

export const chained = (row: Pick<AuditEventsTable, "id" | "integration_id" | "session_id" | "type" | "actor" | "data" | "created_at">, seq: number): ChainedEvent => ({
  seq,
  id: row.id,
  integrationId: row.integration_id,
  sessionId: row.session_id,
  type: row.type,
  actor: row.actor,
  data: row.data,
  createdAt: Number(row.created_at),
});

/**
 * Links up to `limit` unsealed events after the last sealed one, oldest first (created_at, then id),
 * in the caller's transaction, which must be the only sealer (an advisory lock, SQLite's write
 * lock, or the migrator's). Also what migration 0010 runs on the events written before the chain.
 */
export async function linkPending(trx: Kysely<any>, limit: number): Promise<number> {
  const db = trx as Kysely<Database>;
  const last = await db.selectFrom("audit_events").select(["seq", "hash"]).where("seq", "is not", null).orderBy("seq", "desc").limit(1).executeTakeFirst();
  const pending = await db.selectFrom("audit_events").selectAll().where("seq", "is", null).orderBy("created_at").orderBy("id").limit(limit).execute();
  let previous = last ? { seq: Number(last.seq), hash: last.hash ?? GENESIS } : { seq: 0, hash: GENESIS };
  for (const row of pending) {
    const seq = previous.seq + 1;
    const hash = linkHash(previous.hash, chained(row, seq));
    await db.updateTable("audit_events").set({ seq, prev_hash: previous.hash, hash }).where("id", "=", row.id).execute();
    previous = { seq, hash };
  }
  return pending.length;
}

