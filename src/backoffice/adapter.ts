import { ApiError } from "../errors.js";
import type { Services } from "../services.js";
import { type Actor, SYSTEM } from "../audit/events.js";
import type { SessionStatus, SessionsTable } from "../store/schema.js";
import type { Integration } from "../integrations/service.js";
import { reviewerAccounts } from "./accounts.js";
import { accountsRepo } from "./accounts-repo.js";
import type { BackofficeDeps, IntegrationSummary, PolicyView, SessionSummary } from "./deps.js";
import { refuse } from "./errors.js";
import { engineChecks } from "./engine-checks.js";
import { backofficeDb } from "./tables.js";
import { sendTestWebhooks } from "../verification/test-webhook.js";
import { openInitData } from "../sessions/init-data.js";

/**
 * The back-office over the composition root's services: the one file that knows them. Every read
 * and change goes through a capability's service with the reviewer as its actor; the back-office
 * reads only its own tables (tables.ts) directly.
 */
const summary = (row: SessionsTable): SessionSummary => ({
  id: row.id,
  integrationId: row.integration_id,
  status: row.status,
  vendorData: row.vendor_data,
  attemptId: row.current_attempt_id,
  createdAt: Number(row.created_at),
  submittedAt: row.submitted_at === null ? null : Number(row.submitted_at),
  decidedAt: row.decided_at === null ? null : Number(row.decided_at),
});

const reviewer = (reviewerId: string): Actor => ({ kind: "reviewer", reviewerId });

/** Reviewer accounts; each login's steps go to the audit trail, under the reviewer when known. */
export const reviewerAccountsFor = (services: Pick<Services, "store" | "masterKey" | "audit">) =>
  reviewerAccounts({
    repo: accountsRepo(backofficeDb(services.store.db)),
    masterKey: services.masterKey,
    audit: (event, at) => {
      const reviewerId = event.data.reviewerId;
      const actor: Actor = reviewerId === null ? SYSTEM : reviewer(reviewerId);
      return services.audit.record(services.store.db, { integrationId: null, sessionId: null, actor, at, event });
    },
  });

/**
 * The integration's policy in force, with its version's author named for a person (the back-office's
 * integration page, `earthid integrations policy`): a reviewer by their account's email.
 */
export const policyInForce =
  (services: Pick<Services, "store" | "policies">) =>
  async (integrationId: string): Promise<PolicyView> => {
    const { policy, made } = await services.policies.inForce(integrationId);
    if (!made) return { policy, made: null };
    if (made.reviewerId !== null) {
      const [account] = await accountsRepo(backofficeDb(services.store.db)).emails([made.reviewerId]);
      return { policy, made: { at: made.at, by: account?.email ?? "a reviewer account since removed" } };
    }
    return { policy, made: { at: made.at, by: made.by === null ? "someone not recorded (before authors were)" : made.by === "operator" ? "the operator (CLI)" : made.by } };
  };

const integrationSummary = (i: Integration): IntegrationSummary => ({
  id: i.id,
  name: i.name,
  isTest: i.isTest,
  active: i.active,
  apiKey: i.apiKey,
  callbackUrl: i.callbackUrl,
  decisionWebhookUrl: i.decisionWebhookUrl,
  eventWebhookUrl: i.eventWebhookUrl,
  frameAncestors: i.frameAncestors,
  strictSignatures: i.strictSignatures,
  createdAt: i.createdAt,
});

/** The services' refusals of bad input (TypeError: an empty name, a URL that is not https) are the admin's answer. */
async function asBadInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TypeError) throw refuse("BAD_INPUT", { detail: error.message });
    throw error;
  }
}

export function backofficeDepsFor(services: Services): BackofficeDeps {
  const { store, sessions, lifecycle, audit, integrations, media, webhooks, config } = services;
  const db = store.db;

  return {
    db: backofficeDb(db),
    accounts: reviewerAccountsFor(services),
    keys: services.masterKey,
    sessions: {
      async queue(reviewerId, { status, limit, ...filter }) {
        // A reviewer sees every integration's sessions: the queue is the one cross-integration read.
        const integrationIds = async () => (await integrations.listIntegrations()).map((integration) => integration.id);
        const rows = await sessions.queue(reviewer(reviewerId), { ...filter, status: status as SessionStatus, limit }, integrationIds);
        return rows.map(summary);
      },

      async detail(_reviewerId, id) {
        const session = await lifecycle.findAny(id);
        if (!session) return undefined;
        const live = session.erased_at === null && session.deleted_at === null;
        // The session and its data key are read here and handed on: the media listing and the
        // engine's findings read neither again; the findings wait only for the key.
        const keyRead = session.erased_at === null ? sessions.dataKey(id) : Promise.resolve(undefined);
        const [decisions, events, dataKey, images, findings] = await Promise.all([
          lifecycle.decisions(id),
          audit.listForSession(id),
          keyRead,
          live ? media.allOfSession(session) : [],
          keyRead.then((key) => (live && key ? services.assessment.findingsOf(id, key) : undefined)),
        ]);
        return {
          ...summary(session),
          erased: session.erased_at !== null,
          deleted: session.deleted_at !== null,
          sent: { ...openInitData(dataKey, session) },
          checks: engineChecks(findings),
          media: images.map((m) => ({ id: m.id, context: m.context, mimetype: m.mimetype, width: m.width, height: m.height, size: m.size, attemptId: m.attempt_id })),
          decisions: decisions.map((d) => ({ id: d.id, status: d.status, code: d.code, reasonCode: d.reason_code, reason: d.reason, decidedBy: d.decided_by, decidedAt: Number(d.decided_at) })),
          events: events.map((e) => ({ type: e.type, actor: e.actor, at: Number(e.created_at), data: JSON.parse(e.data) as Record<string, unknown> })),
        };
      },

      async openMedia(reviewerId, mediaId) {
        const actor = reviewer(reviewerId);
        const session = await media.sessionOf({ actor, mediaId });
        if (!session) return undefined;
        try {
          const file = await media.download({ actor, mediaId });
          return { session: { id: session.id, integrationId: session.integration_id }, mimetype: file.mimetype, bytes: file.bytes };
        } catch (error) {
          if (error instanceof ApiError && error.errorName === "NOT_FOUND") return undefined;
          throw error;
        }
      },

      async recordView({ session, reviewerId, mediaId }) {
        const data = { reviewerId, what: mediaId === null ? ("session" as const) : ("media" as const), mediaId };
        await audit.record(db, { integrationId: session.integrationId, sessionId: session.id, actor: reviewer(reviewerId), at: Date.now(), event: { type: "backoffice.viewed", data } });
      },

      async decide({ reviewerId, sessionId, verdict, reasonCode }) {
        try {
          const decision = await lifecycle.decide({ sessionId, verdict, reasonCode, reason: null, actor: reviewer(reviewerId) });
          return { decisionId: decision.id, status: decision.status };
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.errorName === "TRANSITION_NOT_ALLOWED") {
            const now = await lifecycle.findAny(sessionId);
            throw refuse("NOT_IN_REVIEW", { status: now?.status ?? "removed" });
          }
          if (error.errorName === "NOT_FOUND") throw refuse("NOT_FOUND");
          throw refuse("BAD_INPUT", { detail: error.message });
        }
      },
    },
    integrations: {
      list: async () => (await integrations.listIntegrations()).map(integrationSummary),
      async create(options, reviewerId) {
        const created = await asBadInput(() => integrations.createIntegration(options, reviewer(reviewerId)));
        return { ...integrationSummary(created), sharedSecret: created.sharedSecret };
      },
      revealSecret: (id, reviewerId) => integrations.revealSecret(id, reviewer(reviewerId)),
      rotateSecret: async (id, reviewerId) => (await integrations.rotateSecret(id, reviewer(reviewerId)))?.sharedSecret,
      deactivate: (id, reviewerId) => integrations.deactivateIntegration(id, reviewer(reviewerId)),
      async update(id, edit, reviewerId) {
        const updated = await asBadInput(() => integrations.update(id, edit, reviewer(reviewerId)));
        return updated && { changed: Object.keys(updated.changes) };
      },
      policy: policyInForce(services),
      async changePolicy(id, change, reviewerId) {
        const changed = await asBadInput(() => services.policies.change(id, change, reviewer(reviewerId)));
        return changed && { version: changed.policy.version, changed: Object.keys(changed.changes) };
      },
      async testWebhook(id) {
        const sent = await sendTestWebhooks(services, id);
        return "results" in sent ? sent.results : sent.problem === "no_url" ? "no_url" : undefined;
      },
    },
    overview: {
      finalDecisionCounts: (since) => lifecycle.finalDecisionCounts(since),
      medianDecisionMs: (since) => lifecycle.medianDecisionMs(since),
      deliveryCountsByDay: (since) => webhooks.countsByDay(since),
    },
    deliveries: {
      list: (filter) => webhooks.listDeliveries(filter),
      resend: (deliveryId, reviewerId) => webhooks.resend({ id: deliveryId, actor: reviewer(reviewerId) }),
    },
  };
}
