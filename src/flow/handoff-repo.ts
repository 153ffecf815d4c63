import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { FlowRef } from "./deps.js";

/** Letters and digits that cannot be mistaken for one another when typed from a screen. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const HANDOFF_CODE = /^[A-HJ-NP-Z2-9]{10}$/;
const TTL_MS = 60 * 60_000;

/**
 * The hand-off's short codes: 10 characters of a 32-letter alphabet (50 bits), valid for an hour,
 * so that a person can type the address on a phone. The flow's own table; a code only points at a
 * session, whose token the flow re-derives.
 */
export function handoffRepo(db: Kysely<Database>, now: () => number = Date.now) {
  return {
    async create(ref: FlowRef): Promise<string> {
      const code = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
      await db.deleteFrom("flow_handoffs").where("expires_at", "<", now()).execute();
      await db.insertInto("flow_handoffs").values({ code, session_id: ref.sessionId, integration_id: ref.integrationId, expires_at: now() + TTL_MS }).execute();
      return code;
    },
    async find(code: string): Promise<FlowRef | undefined> {
      if (!HANDOFF_CODE.test(code)) return undefined;
      const row = await db.selectFrom("flow_handoffs").selectAll().where("code", "=", code).where("expires_at", ">", now()).executeTakeFirst();
      return row && { sessionId: row.session_id, integrationId: row.integration_id };
    },
  };
}
