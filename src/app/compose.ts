import type { Config } from "../config.js";
import type { Services } from "../services.js";
import { loadMasterKeys, loadTokenSecret } from "../crypto/keys.js";
import { type StatementObserver, openStore } from "../store/db.js";
import { auditRepo } from "../audit/repo.js";
import { auditTrail } from "../audit/trail.js";
import { integrationRepo } from "../integrations/repo.js";
import { integrationService } from "../integrations/service.js";
import type { Metrics } from "../ops/metrics.js";
import { vendorDataCodec } from "../sessions/vendor-data.js";
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
import { assessmentRepo } from "../assessment/repo.js";
import { findingsLookup } from "../assessment/record.js";
import { documentKeyer } from "../assessment/document-keys.js";
import { integrationPolicies } from "../assessment/policies.js";
import { duplicateFinder } from "../assessment/duplicates.js";
import { assessmentService, engineAssessment } from "../assessment/service.js";
import { assessmentReplay } from "../assessment/replay.js";
import { type EngineWorkers, engineWorkers } from "../assessment/engine.js";
import { jobRepo } from "../jobs/repo.js";
import { jobQueue } from "../jobs/service.js";
import type { JobKind } from "../jobs/runner.js";
import { ASSESS_JOB } from "../verification/transitions.js";
import { type Assessment, type SubmittedVerdicts, assessJobHandler, submittedVerdicts } from "../verification/assess-job.js";

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
  /** The engine's worker threads (EARTHID_ENGINE_WORKERS of them); made here, not started, unless given. */
  engine?: EngineWorkers | undefined;
  /** What assesses a submitted attempt in place of the engine (src/verification/assess-job.ts: reviewByPerson). */
  assessment?: ((verdicts: SubmittedVerdicts) => Assessment) | undefined;
  /** Told every statement the store runs (store/db.ts). */
  onStatement?: StatementObserver | undefined;
}

export function composeServices(config: Config, { log, metrics }: Observers, options: ComposeOptions = {}): Services {
  const masterKey = loadMasterKeys(config.dataDir, config.masterKey, config.previousMasterKeys);
  const tokens = sessionTokens(loadTokenSecret(config.dataDir, config.tokenSecret));
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous, onStatement: options.onStatement });
  const { db } = store;

  const audit = auditRepo(db, store.kind);
  const trail = auditTrail(audit);
  const integrations = integrationService({ repo: integrationRepo(db, store.dialect), masterKey, changes: store.integrationChanges, audit });
  const outbox = webhookOutbox({ masterKey });
  const deliveries = deliveryRepo(store);
  const webhooks = webhookService({ repo: deliveries, audit, wake: outbox.wake });
  const jobStore = jobRepo(store);
  const jobs = jobQueue({ repo: jobStore });

  const vendorData = vendorDataCodec(masterKey);
  const sessionStore = sessionRepo(db, store.dialect, vendorData);
  const sessions = sessionService({
    repo: sessionStore,
    tokens,
    masterKey,
    vendorData,
    publicUrl: config.publicUrl,
    onCreated: (integration) => metrics?.sessionCreated(integration.isTest),
  });
  const list = sessionList({ repo: sessionStore, tokens, publicUrl: config.publicUrl });

  // The engine's records: the payloads read the fields it extracted from them.
  const assessments = assessmentRepo(db);
  const findings = findingsLookup(assessments, sessions);
  const verificationStore = verificationRepo(db, store.dialect);
  const lifecycle = sessionLifecycle({ db, repo: verificationStore, sessions, integrations, audit, outbox, jobs, findings });
  const verdicts = submittedVerdicts(lifecycle);
  const reads = lifecycleReads({ db, sessions, lifecycle, findings });

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

  // Started by the server and the worker process at boot (readiness waits for it), else on first use.
  const engine = options.engine ?? engineWorkers(config.engineWorkers);
  const policies = integrationPolicies({ repo: assessments, integrations, audit });
  const assessment = assessmentService({
    db,
    repo: assessments,
    policies,
    engine,
    sessions,
    verdicts,
    media,
    duplicates: duplicateFinder({ repo: assessments, sessions }),
    documentKeys: documentKeyer(masterKey),
  });
  const replay = assessmentReplay({ db, repo: assessments, policies, sessions, media, pool: () => engine.pool() });
  // The handlers of each kind of job, registered here (never discovered): a submitted attempt is
  // the engine's, unless the caller put another assessment in its place. An instance that loads the
  // engine at boot (serve, worker) claims them only once its models are in.
  const jobKinds: JobKind[] = [
    {
      kind: ASSESS_JOB,
      handler: assessJobHandler({ verdicts, assessment: options.assessment ? options.assessment(verdicts) : engineAssessment(assessment) }),
      concurrency: config.engineWorkers,
      leaseMs: config.engineLeaseMs,
      ...(options.assessment ? {} : { ready: () => engine.untilLoaded() }),
    },
  ];

  const erasure = sessionErasure({
    lifecycle,
    repo: verificationStore,
    sessions,
    audit,
    erasePayloads: webhooks.erasePayloads,
    eraseJobs: jobs.forgetSubject,
    eraseMedia: media.forgetSession,
    eraseFindings: assessments.eraseSession,
    limits: { perHour: config.deleteLimitPerHour, perDay: config.deleteLimitPerDay },
    onFileRemovalError: (error, sessionId) => log.warn({ err: error, sessionId }, "media files of an erased session were not all removed"),
  });
  const retention = sessionRetention({
    integrations, lifecycle, sessions, erasure,
    doneJobs: { purgeDone: jobs.purgeDone, retentionDays: config.jobRetentionDays },
    auditEvents: { prune: trail.prune, retentionDays: config.auditRetentionDays },
  });

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= Promise.all([work.close(), engine.close(), store.close()]).then(() => undefined));

  return {
    config, store, masterKey, tokens, integrations, audit, auditTrail: trail, outbox, sessions, sessionList: list, lifecycle, reads, erasure, retention,
    mediaWork: work, media, deliveries, webhooks, jobs, jobStore, jobKinds, engine, policies, assessment, replay, close,
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
export async function openMigratedServices(config: Config, observers: Observers, options: ComposeOptions = {}): Promise<Services> {
  let services: Services | undefined;
  try {
    services = composeServices(config, observers, options);
    await services.store.migrate();
    await services.sessions.sealPlainVendorData();
    return services;
  } catch (error) {
    await services?.close().catch(() => {});
    throw new Error(`cannot open the store (${storeSetting(config)}): ${(error as Error).message}`, { cause: error });
  }
}
