import type { BackofficeDeps } from "./deps.js";
import { type ReviewerActor, requireAdmin } from "./review.js";

/** What only administrators do: integrations and webhook deliveries. Each verb checks the role itself. */
export function operations(deps: Pick<BackofficeDeps, "integrations" | "deliveries">) {
  return {
    async integrations(actor: ReviewerActor) {
      requireAdmin(actor);
      return deps.integrations.list();
    },
    async deliveries(actor: ReviewerActor, limit = 200) {
      requireAdmin(actor);
      return deps.deliveries.list({ limit });
    },
    async resend(actor: ReviewerActor, deliveryId: string) {
      requireAdmin(actor);
      return deps.deliveries.resend(deliveryId);
    },
  };
}

export type Operations = ReturnType<typeof operations>;
