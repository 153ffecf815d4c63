import type { PolicyChange } from "../assessment/policies.js";
import type { BackofficeDeps, IntegrationEdit, NewIntegration } from "./deps.js";
import { refuse } from "./errors.js";
import { type ReviewerActor, requireAdmin } from "./review.js";

/** What only administrators do: integrations and webhook deliveries. Each verb checks the role itself. */
export function operations(deps: Pick<BackofficeDeps, "integrations" | "deliveries">) {
  return {
    async integrations(actor: ReviewerActor) {
      requireAdmin(actor);
      return deps.integrations.list();
    },
    async createIntegration(actor: ReviewerActor, options: NewIntegration) {
      requireAdmin(actor);
      return deps.integrations.create(options, actor.id);
    },
    /** The shared secret, shown to an administrator: audited, like a rotation. */
    async revealSecret(actor: ReviewerActor, id: string) {
      requireAdmin(actor);
      const secret = await deps.integrations.revealSecret(id, actor.id);
      if (secret === undefined) throw refuse("NOT_FOUND");
      return secret;
    },
    async rotateSecret(actor: ReviewerActor, id: string) {
      requireAdmin(actor);
      const secret = await deps.integrations.rotateSecret(id, actor.id);
      if (secret === undefined) throw refuse("NOT_FOUND");
      return secret;
    },
    async deactivate(actor: ReviewerActor, id: string) {
      requireAdmin(actor);
      if (!(await deps.integrations.deactivate(id, actor.id))) throw refuse("NOT_FOUND");
    },
    async integration(actor: ReviewerActor, id: string) {
      requireAdmin(actor);
      const found = (await deps.integrations.list()).find((i) => i.id === id);
      if (!found) throw refuse("NOT_FOUND");
      return found;
    },
    async updateIntegration(actor: ReviewerActor, id: string, edit: IntegrationEdit) {
      requireAdmin(actor);
      const updated = await deps.integrations.update(id, edit, actor.id);
      if (!updated) throw refuse("NOT_FOUND");
      return updated;
    },
    async policy(actor: ReviewerActor, id: string) {
      requireAdmin(actor);
      return deps.integrations.policy(id);
    },
    async changePolicy(actor: ReviewerActor, id: string, change: PolicyChange) {
      requireAdmin(actor);
      const changed = await deps.integrations.changePolicy(id, change, actor.id);
      if (!changed) throw refuse("NOT_FOUND");
      return changed;
    },
    async testWebhook(actor: ReviewerActor, id: string) {
      requireAdmin(actor);
      const results = await deps.integrations.testWebhook(id);
      if (results === undefined) throw refuse("NOT_FOUND");
      if (results === "no_url") throw refuse("BAD_INPUT", { detail: "This integration has no webhook URL yet: set one below first." });
      return results;
    },
    async deliveries(actor: ReviewerActor, limit = 200) {
      requireAdmin(actor);
      return deps.deliveries.list({ limit });
    },
    async resend(actor: ReviewerActor, deliveryId: string) {
      requireAdmin(actor);
      return deps.deliveries.resend(deliveryId, actor.id);
    },
  };
}

export type Operations = ReturnType<typeof operations>;
