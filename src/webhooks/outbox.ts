import type { SealedColumn } from "../store/reseal.js";
import type { Keyring } from "../crypto/keyring.js";
import type { Kysely } from "kysely";
import { seal } from "../crypto/sealing.js";
import type { Database, WebhookKind } from "../store/schema.js";
import { newRowId } from "../store/ids.js";

export type { WebhookKind } from "../store/schema.js";

export interface OutboxItem {
  integrationId: string;
  /** The integration's URL for this kind; no URL, no delivery. */
  url: string | null;
  sessionId: string;
  kind: WebhookKind;
  code: number;
  payload: unknown;
}

export const payloadAad = (deliveryId: string) => `webhook-payload:${deliveryId}`;

/** What of this capability's tables is sealed under the master keys (re-sealed by `earthid keys rotate`). */
export const WEBHOOK_SEALED_COLUMNS: SealedColumn[] = [{ table: "webhook_deliveries", id: "id", column: "payload_sealed", aad: payloadAad }];

/**
 * The outbox: deliveries are written in the transaction that changes the state, so a committed
 * change always has its webhooks and a rolled-back one never does. The body is fixed here, once, as
 * `JSON.stringify(payload)`: every retry sends the same bytes.
 */
export function webhookOutbox({ masterKey, now = Date.now }: { masterKey: Keyring; now?: () => number }) {
  const listeners = new Set<() => void>();
  return {
    async enqueue(trx: Kysely<Database>, items: OutboxItem[]): Promise<string[]> {
      const at = now();
      const rows = items
        .filter((item): item is OutboxItem & { url: string } => item.url !== null)
        .map((item) => {
          const id = newRowId(at);
          return {
            id,
            integration_id: item.integrationId,
            session_id: item.sessionId,
            kind: item.kind,
            code: item.code,
            url: item.url,
            payload_sealed: seal(masterKey, JSON.stringify(item.payload), payloadAad(id)),
            status: "pending" as const,
            attempts: 0,
            next_attempt_at: at,
            claimed_until: null,
            last_attempt_at: null,
            last_status_code: null,
            last_error: null,
            delivered_at: null,
            created_at: at,
          };
        });
      if (rows.length > 0) await trx.insertInto("webhook_deliveries").values(rows).execute();
      return rows.map((r) => r.id);
    },
    /** Called after the enqueuing transaction committed: a dispatcher in this process starts at once. */
    wake(): void {
      for (const listener of listeners) listener();
    },
    onWake(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type WebhookOutbox = ReturnType<typeof webhookOutbox>;
