import type { Keyring } from "../crypto/keyring.js";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { randomUUID } from "node:crypto";
import type { SealedColumn } from "../store/reseal.js";
import { open, seal } from "../crypto/sealing.js";
import type { ChangeSignal } from "../store/change-signal.js";
import type { IntegrationRepo, IntegrationRow } from "./repo.js";
import { checkIntegrationUrl } from "./urls.js";
import { frameAncestorsOf, parseFrameAncestors, storedFrameAncestors } from "./frame-ancestors.js";
import { type Actor, SYSTEM } from "../audit/events.js";
import type { AuditRepo } from "../audit/repo.js";
import { type IntegrationUpdate, type UpdatedIntegration, integrationUpdater } from "./update.js";

export interface Integration {
  id: string;
  name: string;
  apiKey: string;
  callbackUrl: string | null;
  decisionWebhookUrl: string | null;
  eventWebhookUrl: string | null;
  isTest: boolean;
  active: boolean;
  /** Days after a decision when the session's media and personal data are erased; null keeps them. */
  retentionDays: number | null;
  /** Origins allowed to embed the hosted flow in a frame; empty allows none. */
  frameAncestors: string[];
  /** Every request must carry the timestamped x-earthid-signature; X-HMAC-SIGNATURE alone is refused. */
  strictSignatures: boolean;
  createdAt: string;
}

/** What request authentication needs: the integration and its shared secret, opened. */
export interface IntegrationAuth extends Integration {
  secret: Buffer;
}

export interface CreateIntegrationOptions {
  name: string;
  callbackUrl?: string | undefined;
  decisionWebhookUrl?: string | undefined;
  eventWebhookUrl?: string | undefined;
  isTest?: boolean | undefined;
  retentionDays?: number | undefined;
  /** Origins, comma-separated or as a list; checked by parseFrameAncestors. */
  frameAncestors?: string | readonly string[] | undefined;
}

export interface IntegrationServiceDeps {
  repo: IntegrationRepo;
  masterKey: Keyring;
  changes: ChangeSignal;
  /** Where each change (and each reveal of a secret) records its audit event, in the changing transaction. */
  audit: Pick<AuditRepo, "record">;
  now?: () => number;
}

const CACHE_LIMIT = 10_000;
export const MAX_RETENTION_DAYS = 36_500;
export const isRetentionDays = (days: number) => Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS;
const secretAad = (id: string) => `integration-secret:${id}`;

/** What of this capability's table is sealed under the master keys (re-sealed by `earthid keys rotate`). */
export const INTEGRATION_SEALED_COLUMNS: SealedColumn[] = [{ table: "integrations", id: "id", column: "secret_sealed", aad: secretAad }];

export function toIntegration(row: IntegrationRow): Integration {
  return {
    id: row.id,
    name: row.name,
    apiKey: row.api_key,
    callbackUrl: row.callback_url,
    decisionWebhookUrl: row.decision_webhook_url,
    eventWebhookUrl: row.event_webhook_url,
    isTest: row.is_test === 1,
    active: row.active === 1,
    retentionDays: row.retention_days,
    frameAncestors: frameAncestorsOf(row.frame_ancestors),
    strictSignatures: row.strict_signatures === 1,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

type IntegrationEventType = "integration.created" | "integration.secret_revealed" | "integration.secret_rotated" | "integration.deactivated";

export function integrationService({ repo, masterKey, changes, audit, now = Date.now }: IntegrationServiceDeps) {
  const updateIntegration = integrationUpdater({ repo, audit, now });
  /** One event per change, whoever asks (the CLI, a reviewer, the service itself): recorded here, so no caller records it twice or forgets it. */
  const recordEvent = (integrationId: string, type: IntegrationEventType, actor: Actor, at: number) => (trx: Kysely<Database>) =>
    audit.record(trx, { integrationId, sessionId: null, actor, at, event: { type, data: { reviewerId: actor.kind === "reviewer" ? actor.reviewerId : null } } });
  // API key -> integration (or null for an unknown key). Emptied whenever another process may have
  // changed an integration, and by this process's own rotations and deactivations.
  const cache = new Map<string, IntegrationAuth | null>();

  const withSecret = (row: IntegrationRow): IntegrationAuth => ({
    ...toIntegration(row),
    secret: open(masterKey, row.secret_sealed, secretAad(row.id)),
  });

  return {
    /** Audited as integration.created, by `actor` (the service itself when not named: a demo, a bench). */
    async createIntegration(options: CreateIntegrationOptions, actor: Actor = SYSTEM): Promise<Integration & { sharedSecret: string }> {
      const name = options.name.trim();
      if (!name) throw new TypeError("name must not be empty");
      for (const [field, url] of [["callback", options.callbackUrl], ["decision-webhook", options.decisionWebhookUrl], ["event-webhook", options.eventWebhookUrl]] as const) {
        if (url !== undefined) checkIntegrationUrl(field, url);
      }
      if (options.retentionDays !== undefined && !isRetentionDays(options.retentionDays)) {
        throw new TypeError(`retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${options.retentionDays}`);
      }
      const frameAncestors = options.frameAncestors === undefined ? [] : parseFrameAncestors([options.frameAncestors].flat().join(","));
      const id = randomUUID();
      const sharedSecret = randomUUID();
      const at = now();
      const row: IntegrationRow = {
        id,
        name,
        api_key: randomUUID(),
        secret_sealed: seal(masterKey, sharedSecret, secretAad(id)),
        callback_url: options.callbackUrl ?? null,
        decision_webhook_url: options.decisionWebhookUrl ?? null,
        event_webhook_url: options.eventWebhookUrl ?? null,
        is_test: options.isTest ? 1 : 0,
        active: 1,
        retention_days: options.retentionDays ?? null,
        frame_ancestors: storedFrameAncestors(frameAncestors),
        strict_signatures: 0,
        created_at: at,
        updated_at: at,
      };
      await repo.insert(row, recordEvent(id, "integration.created", actor, at));
      cache.clear();
      return { ...toIntegration(row), sharedSecret };
    },

    async listIntegrations(): Promise<Integration[]> {
      return (await repo.list()).map(toIntegration);
    },

    async countIntegrations(): Promise<number> {
      return repo.count();
    },

    async getIntegration(id: string): Promise<Integration | undefined> {
      const row = await repo.findById(id);
      return row && toIntegration(row);
    },

    /** The same, read inside the caller's transaction (a state change reads the webhook URLs it writes for). */
    async getIntegrationIn(trx: Kysely<Database>, id: string): Promise<Integration | undefined> {
      const row = await repo.findById(id, trx);
      return row && toIntegration(row);
    },

    /** The old secret stops working at once, in this process and (through the change signal) in others. Audited. */
    async rotateSecret(id: string, actor: Actor): Promise<{ id: string; sharedSecret: string } | undefined> {
      const sharedSecret = randomUUID();
      const at = now();
      const updated = await repo.update(id, { secret_sealed: seal(masterKey, sharedSecret, secretAad(id)) }, at, recordEvent(id, "integration.secret_rotated", actor, at));
      cache.clear();
      return updated ? { id, sharedSecret } : undefined;
    },

    /** The shared secret in clear, for an administrator to copy: audited, like a rotation. */
    async revealSecret(id: string, actor: Actor): Promise<string | undefined> {
      const row = await repo.findRecording(id, recordEvent(id, "integration.secret_revealed", actor, now()));
      if (!row) return undefined;
      return open(masterKey, row.secret_sealed, secretAad(id)).toString("utf8");
    },

    /** Its API key is refused from then on. Audited. */
    async deactivateIntegration(id: string, actor: Actor): Promise<boolean> {
      const at = now();
      const updated = await repo.update(id, { active: 0 }, at, recordEvent(id, "integration.deactivated", actor, at));
      cache.clear();
      return updated;
    },

    /** Days after a final decision when sessions' media and personal data are erased; null keeps them. */
    async setRetention(id: string, days: number | null): Promise<Integration | undefined> {
      if (days !== null && !isRetentionDays(days)) throw new TypeError(`retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${days}`);
      if (!(await repo.update(id, { retention_days: days }, now()))) return undefined;
      cache.clear();
      const row = await repo.findById(id);
      return row && toIntegration(row);
    },

    /**
     * Name, default callback, webhook URLs and frame ancestors (`earthid integrations update`): the
     * keys stay, the change and its integration.updated audit event commit together, and a running
     * server sees it at once (the change signal empties other processes' key caches).
     */
    async update(id: string, update: IntegrationUpdate, actor?: Actor): Promise<UpdatedIntegration | undefined> {
      const updated = await updateIntegration(id, update, actor);
      cache.clear();
      return updated;
    },

    /** Looks an API key up, through the cache. Returns null for a key no integration has. */
    async findByApiKey(apiKey: string): Promise<IntegrationAuth | null> {
      if (changes.changedSinceLastCheck()) cache.clear();
      const cached = cache.get(apiKey);
      if (cached !== undefined) return cached;
      const row = await repo.findByApiKey(apiKey);
      const found = row ? withSecret(row) : null;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(apiKey, found);
      return found;
    },
  };
}

export type IntegrationService = ReturnType<typeof integrationService>;
