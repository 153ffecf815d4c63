import type { Config } from "../config.js";
import type { Services } from "../services.js";
import { loadMasterKey, loadTokenSecret } from "../crypto/keys.js";
import { type StatementObserver, openStore } from "../store/db.js";
import { auditRepo } from "../audit/repo.js";
import { integrationRepo } from "../integrations/repo.js";
import { integrationService } from "../integrations/service.js";
import type { Metrics } from "../ops/metrics.js";
import { sessionRepo } from "../sessions/repo.js";
import { sessionService } from "../sessions/service.js";
import { sessionTokens } from "../sessions/token.js";
import { sessionList } from "../sessions/list.js";
import { sessionLifecycle } from "../verification/transitions.js";
import { verificationRepo } from "../verification/repo.js";
import { lifecycleReads } from "../verification/reads.js";
import { sessionErasure } from "../verification/erasure.js";
import { sessionRetention } from "../verification/retention.js";
import { mediaService } from "../media/service.js";
import { mediaRepo } from "../media/repo.js";
import { mediaFiles } from "../media/storage.js";
import { type MediaWork, mediaWork } from "../media/work.js";
import { deliveryRepo } from "../webhooks/repo.js";
import { webhookOutbox } from "../webhooks/outbox.js";
import { webhookService } from "../webhooks/service.js";

export type { Services } from "../services.js";

/** Where the services report what they cannot answer to a caller (a file left behind after an erasure). */
export interface ServiceLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Who watches the services: the log, and the HTTP server's metrics (the CLI has none). */
export interface Observers {
  log: ServiceLog;
  metrics?: Pick<Metrics, "sessionCreated"> | undefined;
}

/** What a caller may put in place of a part the composition root would build. */
export interface ComposeOptions {
  /** The media worker threads (tests give a pool that never answers); made here unless given. */
  mediaWork?: MediaWork | undefined;
  /** Told every statement the store runs (store/db.ts). */
  onStatement?: StatementObserver | undefined;
}

export function composeServices(config: Config, { log, metrics }: Observers, options: ComposeOptions = {}): Services {
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const tokens = sessionTokens(loadTokenSecret(config.dataDir, config.tokenSecret));
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous, onStatement: options.onStatement });
  const { db } = store;

  const audit = auditRepo(db);
  const integrations = integrationService({ repo: integrationRepo(db, store.dialect), masterKey, changes: store.integrationChanges, audit });
  const outbox = webhookOutbox({ masterKey });
  const deliveries = deliveryRepo(store);
  const webhooks = webhookService({ repo: deliveries, audit, wake: outbox.wake });

  const sessionStore = sessionRepo(db, store.dialect);
  const sessions = sessionService({
    repo: sessionStore,
    tokens,
    masterKey,
    publicUrl: config.publicUrl,
    onCreated: (integration) => metrics?.sessionCreated(integration.isTest),
  });
  const list = sessionList({ repo: sessionStore, tokens, publicUrl: config.publicUrl });

  const verificationStore = verificationRepo(db, store.dialect);
  const lifecycle = sessionLifecycle({ db, repo: verificationStore, sessions, integrations, audit, outbox });
  const reads = lifecycleReads({ db, sessions, lifecycle });

  // Uploads, sealing and opening of media run in worker threads, started on first use; one pool
  // for the instance, which the integrator scope's uploads and downloads use and readiness watches.
  const work = options.mediaWork ?? mediaWork();
  const media = mediaService({
    repo: mediaRepo(db),
    files: mediaFiles(config.dataDir, work),
    sessions,
    dataKey: sessions.dataKey,
    lifecycle,
    audit,
    publicUrl: config.publicUrl,
  });

  const erasure = sessionErasure({
    lifecycle,
    repo: verificationStore,
    sessions,
    audit,
    erasePayloads: webhooks.erasePayloads,
    eraseMedia: media.forgetSession,
    limits: { perHour: config.deleteLimitPerHour, perDay: config.deleteLimitPerDay },
    onFileRemovalError: (error, sessionId) => log.warn({ err: error, sessionId }, "media files of an erased session were not all removed"),
  });
  const retention = sessionRetention({ integrations, lifecycle, sessions, erasure });

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.all([work.close(), store.close()]).then(() => undefined));

  return {
    config, store, masterKey, tokens, integrations, audit, outbox, sessions, sessionList: list, lifecycle, reads, erasure, retention,
    mediaWork: work, media, deliveries, webhooks, close,
  };
}

/** For error messages: the setting that chose the store, a password in the URL masked. */
function storeSetting(config: Config): string {
  if (!config.databaseUrl) return `EARTHID_DATA_DIR=${config.dataDir}`;
  try {
    const url = new URL(config.databaseUrl);
    if (url.password) url.password = "***";
    return `DATABASE_URL=${url.toString()}`;
  } catch {
    return "DATABASE_URL";
  }
}

/**
 * The services over a store brought up to the latest migration: what `serve`, `migrate` and the
 * store commands start from. A store that cannot be opened is reported with the setting that
 * points at it, so the operator knows what to fix.
 */
export async function openMigratedServices(config: Config, observers: Observers): Promise<Services> {
  let services: Services | undefined;
  try {
    services = composeServices(config, observers);
    await services.store.migrate();
    return services;
  } catch (error) {
    await services?.close().catch(() => {});
    throw new Error(`cannot open the store (${storeSetting(config)}): ${(error as Error).message}`, { cause: error });
  }
}
