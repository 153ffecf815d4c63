import { type Kysely, sql } from "kysely";
import { apiError } from "../errors.js";
import type { Database } from "../store/schema.js";

/** Windows over for this long are deleted (when another session's window opens). */
const KEEP_MS = 10 * 60_000;

/**
 * Requests per session token in a fixed window that opens with the first request after the last
 * one ended, counted in the store (the flow's own table) so that the bound holds however many
 * instances serve the token: a person needs a few dozen calls per attempt, a script hammering one
 * token gets 429 (1904). One upsert per request, which reads and writes the row at once (both
 * CASEs see the row as it was), so concurrent requests on several instances count exactly.
 */
export function requestWindows(db: Kysely<Database>, { limit, windowMs, now = Date.now }: { limit: number; windowMs: number; now?: () => number }) {
  return {
    async take(sessionId: string): Promise<void> {
      const at = now();
      const over = sql<boolean>`flow_request_windows.window_start <= ${at - windowMs}`;
      const row = await db
        .insertInto("flow_request_windows")
        .values({ session_id: sessionId, window_start: at, requests: 1 })
        .onConflict((conflict) =>
          conflict.column("session_id").doUpdateSet({
            requests: sql<number>`case when ${over} then 1 else flow_request_windows.requests + 1 end`,
            window_start: sql<number>`case when ${over} then ${at} else flow_request_windows.window_start end`,
          }),
        )
        .returning("requests")
        .executeTakeFirstOrThrow();
      const requests = Number(row.requests);
      if (requests === 1) await db.deleteFrom("flow_request_windows").where("window_start", "<", at - KEEP_MS).execute();
      if (requests > limit) throw apiError("RATE_LIMITED", { detail: `at most ${limit} requests a minute for one verification` });
    },
  };
}
