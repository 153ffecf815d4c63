import type { Config } from "./config.js";
import { loadMasterKey, loadTokenSecret } from "./crypto/keys.js";
import { type Store, openStore } from "./store/db.js";
import { type AuditRepo, auditRepo } from "./audit/repo.js";
import { integrationRepo } from "./integrations/repo.js";
import { type IntegrationService, integrationService } from "./integrations/service.js";
import { type SessionLifecycle, sessionLifecycle } from "./sessions/lifecycle.js";
import { type WebhookOutbox, webhookOutbox } from "./webhooks/outbox.js";

/**
 * What the server, its background tasks and the CLI stand on: the store and the server keys of one
 * data directory, and the domain services built once over them.
 */
export interface Runtime {
  config: Config;
  store: Store;
  masterKey: Buffer;
  tokenSecret: Buffer;
  integrations: IntegrationService;
  audit: AuditRepo;
  outbox: WebhookOutbox;
  lifecycle: SessionLifecycle;
}

export function openRuntime(config: Config): Runtime {
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const tokenSecret = loadTokenSecret(config.dataDir, config.tokenSecret);
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous });
  const integrations = integrationService({ repo: integrationRepo(store.db, store.kind), masterKey, changes: store.integrationChanges });
  const audit = auditRepo(store.db);
  const outbox = webhookOutbox({ masterKey });
  const lifecycle = sessionLifecycle({ db: store.db, kind: store.kind, masterKey, audit, outbox });
  return { config, store, masterKey, tokenSecret, integrations, audit, outbox, lifecycle };
}
