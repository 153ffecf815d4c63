import { apiError } from "../errors.js";
import { iso } from "../time.js";
import type { DeliveryView } from "./schemas.js";

export type { DeliveryView } from "./schemas.js";
import type { Actor } from "../audit/events.js";
import type { AuditRepo } from "../audit/repo.js";
import { type DeliveryRepo, type DeliveryRow, erasePayloads } from "./repo.js";

export function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    sessionId: row.session_id,
    kind: row.kind,
    code: row.code,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at),
  };
}

export interface WebhookServiceDeps {
  repo: Pick<DeliveryRepo, "find" | "list" | "requeue" | "countsByDay" | "removeErased">;
  audit: Pick<AuditRepo, "record">;
  /** Tells this process's dispatcher that a row is due now. */
  wake(): void;
  now?: () => number;
}

export const MAX_LIST = 500;

/**
 * Listing and re-sending deliveries. `integrationId` scopes every verb to one integration (the
 * API); the operator's CLI leaves it out.
 */
export function webhookService({ repo, audit, wake, now = Date.now }: WebhookServiceDeps) {
  return {
    /** The webhook capability's part of an erasure: the session's stored bodies are dropped, in `trx`. */
    erasePayloads,

    /**
     * Retention of deliveries: those whose body was erased with their session (DELETE, or the
     * integration's retention period) are removed with their attempts, `batch` at a time until none
     * is left. Returns how many went.
     */
    async removeErasedDeliveries(batch = 500): Promise<number> {
      let removed = 0;
      for (let n = batch; n === batch; removed += n) n = await repo.removeErased(batch);
      return removed;
    },

    async listDeliveries(filter: { integrationId?: string; sessionId?: string; limit?: number }): Promise<DeliveryView[]> {
      const rows = await repo.list({ ...filter, limit: Math.min(filter.limit ?? 100, MAX_LIST) });
      return rows.map(toDeliveryView);
    },

    /**
     * Makes a delivery due now, whatever its status: a delivered one is sent again with the same
     * body (and the same delivery id, so a receiver that dedupes sees it as a repeat). A delivery
     * past its 7 days gets this one attempt. One whose body was erased cannot be sent: 409.
     */
    /** Deliveries per day since `since` (epoch ms), by status and whether their last attempt failed: the overview's chart. */
    countsByDay: (since: number) => repo.countsByDay(since),

    async resend({ id, actor }: { id: string; actor: Actor }): Promise<DeliveryView> {
      // An integrator re-sends its own deliveries; the operator any.
      const found = await repo.find(id.toLowerCase(), actor.kind === "integrator" ? actor.integrationId : undefined);
      if (!found) throw apiError("NOT_FOUND", { what: "Webhook delivery" });
      if (found.payload_sealed === null) throw erased(id);
      const at = now();
      const row = await repo.requeue(found.id, at, (trx) =>
        audit.record(trx, { integrationId: found.integration_id, sessionId: found.session_id, actor, at, event: { type: "webhook.resent", data: { deliveryId: found.id } } }),
      );
      if (!row || row.payload_sealed === null) throw erased(id);
      wake();
      return toDeliveryView(row);
    },
  };
}

const erased = (id: string) => apiError("CONFLICT", { detail: `Webhook delivery ${id} cannot be re-sent: its body was erased with the session's data` });

export type WebhookService = ReturnType<typeof webhookService>;
