import { ApiError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { mediaServiceFor } from "../media/service.js";
import { mediaRepo } from "../media/repo.js";
import { mediaWork } from "../media/work.js";
import { deliveryRepo } from "../webhooks/repo.js";
import { webhookService } from "../webhooks/service.js";
import { createHmac } from "node:crypto";
import type { SessionsTable } from "../store/schema.js";
import { reviewerAccounts } from "./accounts.js";
import { accountsRepo } from "./accounts-repo.js";
import type { BackofficeDeps, IntegrationSummary, SessionSummary } from "./deps.js";
import type { Integration } from "../integrations/service.js";
import { refuse } from "./errors.js";
import { backofficeDb } from "./tables.js";

/**
 * The back-office over today's services: the one file to re-point when the composition root
 * replaces the runtime. Everything the pages show or do goes through here.
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

export const reviewerAccountsFor = (runtime: Pick<Runtime, "store" | "masterKey">) =>
  reviewerAccounts({ repo: accountsRepo(backofficeDb(runtime.store.db)), masterKey: runtime.masterKey });

const integrationSummary = (i: Integration): IntegrationSummary => ({
  id: i.id,
  name: i.name,
  isTest: i.isTest,
  active: i.active,
  apiKey: i.apiKey,
  callbackUrl: i.callbackUrl,
  decisionWebhookUrl: i.decisionWebhookUrl,
  eventWebhookUrl: i.eventWebhookUrl,
});

type IntegrationEventType = "integration.created" | "integration.secret_revealed" | "integration.secret_rotated" | "integration.deactivated";

export function backofficeDepsFor(runtime: Runtime): BackofficeDeps {
  const { store, lifecycle, audit, outbox, integrations, config } = runtime;
  const db = store.db;
  const work = mediaWork({ threads: 1 });
  const media = mediaServiceFor(runtime, work);
  const webhooks = webhookService({ repo: deliveryRepo(store), audit, wake: outbox.wake });

  const integrationEvent = (integrationId: string, type: IntegrationEventType, reviewerId: string) =>
    audit.record(db, { integrationId, sessionId: null, actor: "reviewer", at: Date.now(), event: { type, data: { reviewerId } } });

  return {
    db: backofficeDb(db),
    accounts: reviewerAccountsFor(runtime),
    csrfKey: createHmac("sha256", runtime.tokenSecret).update("backoffice-csrf").digest(),
    secureCookies: config.publicUrl.startsWith("https://"),
    sessions: {
      async queue({ status, integrationId, from, to, vendorData, limit }) {
        let query = db.selectFrom("sessions").selectAll().where("deleted_at", "is", null).where("status", "=", status);
        if (integrationId) query = query.where("integration_id", "=", integrationId);
        if (from !== undefined) query = query.where("created_at", ">=", from);
        if (to !== undefined) query = query.where("created_at", "<", to);
        if (vendorData) query = query.where("vendor_data", "=", vendorData);
        // Waiting cases oldest first; anything else newest first.
        query = status === "review" ? query.orderBy("submitted_at", "asc").orderBy("id", "asc") : query.orderBy("created_at", "desc").orderBy("id", "desc");
        return (await query.limit(limit).execute()).map(summary);
      },

      async detail(id) {
        const session = await lifecycle.findAny(id);
        if (!session) return undefined;
        const [decisions, events, init] = await Promise.all([
          lifecycle.decisions(id),
          audit.listForSession(id),
          session.erased_at === null ? lifecycle.initData(db, session) : Promise.resolve({}),
        ]);
        const media = session.erased_at === null ? await db.selectFrom("media").selectAll().where("session_id", "=", id).orderBy("created_at").execute() : [];
        return {
          ...summary(session),
          erased: session.erased_at !== null,
          deleted: session.deleted_at !== null,
          sent: { ...init },
          checks: [],
          media: media.map((m) => ({ id: m.id, context: m.context, mimetype: m.mimetype, width: m.width, height: m.height, size: m.size, attemptId: m.attempt_id })),
          decisions: decisions.map((d) => ({ id: d.id, status: d.status, code: d.code, reasonCode: d.reason_code, reason: d.reason, decidedBy: d.decided_by, decidedAt: Number(d.decided_at) })),
          events: events.map((e) => ({ type: e.type, actor: e.actor, at: Number(e.created_at), data: JSON.parse(e.data) as Record<string, unknown> })),
        };
      },

      async openMedia(mediaId) {
        const row = await mediaRepo(db).find(mediaId);
        const session = row ? await lifecycle.findAny(row.session_id) : undefined;
        if (!row || !session) return undefined;
        try {
          const file = await media.download({ integrationId: session.integration_id, mediaId: row.id });
          return { sessionId: session.id, mimetype: file.mimetype, bytes: file.bytes };
        } catch (error) {
          if (error instanceof ApiError && error.errorName === "NOT_FOUND") return undefined;
          throw error;
        }
      },

      async recordView({ sessionId, reviewerId, mediaId }) {
        const session = await lifecycle.findAny(sessionId);
        if (!session) return;
        const data = { reviewerId, what: mediaId === null ? ("session" as const) : ("media" as const), mediaId };
        await audit.record(db, { integrationId: session.integration_id, sessionId, actor: "reviewer", at: Date.now(), event: { type: "backoffice.viewed", data } });
      },

      async decide({ sessionId, verdict, reasonCode }) {
        try {
          const decision = await lifecycle.decide({ sessionId, verdict, reasonCode, reason: null, actor: "reviewer" });
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
        let created;
        try {
          created = await integrations.createIntegration(options);
        } catch (error) {
          // The service's own refusals (an empty name, a URL that is not https) are the admin's answer.
          if (error instanceof TypeError) throw refuse("BAD_INPUT", { detail: error.message });
          throw error;
        }
        await integrationEvent(created.id, "integration.created", reviewerId);
        return { ...integrationSummary(created), sharedSecret: created.sharedSecret };
      },
      async revealSecret(id, reviewerId) {
        const found = await integrations.getIntegration(id);
        const auth = found ? await integrations.findByApiKey(found.apiKey) : null;
        if (!auth) return undefined;
        await integrationEvent(id, "integration.secret_revealed", reviewerId);
        return auth.secret.toString("utf8");
      },
      async rotateSecret(id, reviewerId) {
        const rotated = await integrations.rotateSecret(id);
        if (rotated) await integrationEvent(id, "integration.secret_rotated", reviewerId);
        return rotated?.sharedSecret;
      },
      async deactivate(id, reviewerId) {
        const done = await integrations.deactivateIntegration(id);
        if (done) await integrationEvent(id, "integration.deactivated", reviewerId);
        return done;
      },
    },
    deliveries: {
      list: (filter) => webhooks.listDeliveries(filter),
      resend: (deliveryId) => webhooks.resend({ id: deliveryId, actor: "reviewer" }),
    },
    close: () => work.close(),
  };
}
