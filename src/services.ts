import type { Keyring } from "./crypto/keyring.js";
import type { Config } from "./config.js";
import type { Store } from "./store/db.js";
import type { AuditRepo } from "./audit/repo.js";
import type { AuditTrail } from "./audit/trail.js";
import type { IntegrationService } from "./integrations/service.js";
import type { SessionService } from "./sessions/service.js";
import type { SessionTokens } from "./sessions/token.js";
import type { SessionList } from "./sessions/list.js";
import type { SessionLifecycle } from "./verification/transitions.js";
import type { LifecycleReads } from "./verification/reads.js";
import type { SessionErasure } from "./verification/erasure.js";
import type { SessionRetention } from "./verification/retention.js";
import type { MediaService } from "./media/service.js";
import type { MediaWork } from "./media/work.js";
import type { DeliveryRepo } from "./webhooks/repo.js";
import type { WebhookOutbox } from "./webhooks/outbox.js";
import type { WebhookService } from "./webhooks/service.js";
import type { EngineWorkers } from "./assessment/engine.js";
import type { IntegrationPolicies } from "./assessment/policies.js";
import type { AssessmentService } from "./assessment/service.js";
import type { AssessmentReplay } from "./assessment/replay.js";
import type { JobQueue } from "./jobs/service.js";
import type { JobRepo } from "./jobs/repo.js";
import type { JobKind } from "./jobs/runner.js";

/**
 * Every capability of one service instance, each built once by the composition root
 * (app/compose.ts) from the few things it needs.
 * The entry points (HTTP server, CLI, tests) read what they use from it; no capability is handed
 * this object: each gets its own dependencies, by name.
 */
export interface Services {
  config: Config;
  store: Store;
  masterKey: Keyring;
  tokens: SessionTokens;
  integrations: IntegrationService;
  audit: AuditRepo;
  /** The audit trail's hash chain: sealing, verifying, exporting. */
  auditTrail: AuditTrail;
  outbox: WebhookOutbox;
  sessions: SessionService;
  sessionList: SessionList;
  lifecycle: SessionLifecycle;
  reads: LifecycleReads;
  erasure: SessionErasure;
  retention: SessionRetention;
  mediaWork: MediaWork;
  media: MediaService;
  deliveries: DeliveryRepo;
  webhooks: WebhookService;
  /** The engine's worker threads (none when EARTHID_ENGINE_WORKERS=0). */
  engine: EngineWorkers;
  /** Each integration's decision policy, versioned. */
  policies: IntegrationPolicies;
  /** The engine's decisions on submitted attempts (the queue's verification.assess jobs). */
  assessment: AssessmentService;
  /** A recorded assessment run again from the sealed media (`earthid sessions replay`). */
  replay: AssessmentReplay;
  jobs: JobQueue;
  jobStore: JobRepo;
  /** Every kind of job with its handler, registered in the composition root; the runners claim these. */
  jobKinds: JobKind[];
  /** Closes the store and the media threads; once. */
  close(): Promise<void>;
}
