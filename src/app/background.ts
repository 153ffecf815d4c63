import type { FastifyBaseLogger } from "fastify";
import { type BackgroundTask, intervalTask } from "../background-task.js";
import { webhookDispatcherTask } from "../webhooks/task.js";
import { jobRunner } from "../jobs/runner.js";
import type { EndedAttempt } from "../webhooks/dispatcher.js";
import type { Metrics } from "../ops/metrics.js";
import type { Services } from "./compose.js";

/** How often an instance links the audit events written since (the chain's sealer, audit/trail.ts). */
export const AUDIT_SEAL_INTERVAL_MS = 1000;

/** Every instance runs these; on PostgreSQL they share the work with other instances safely. */
export function backgroundTasks(services: Services, metrics: Pick<Metrics, "webhookAttemptEnded">, log: FastifyBaseLogger): BackgroundTask[] {
  const { config, lifecycle, retention } = services;
  const every = config.sweepIntervalSeconds * 1000;
  return [
    intervalTask("expiry-sweeper", every, () => lifecycle.sweepUnfinished(config.unfinishedAfterSeconds * 1000), log),
    intervalTask("retention-sweeper", every, async () => {
      await retention.sweep();
      await retention.purgeDoneJobs();
      await retention.purgeAuditEvents();
    }, log),
    intervalTask("erased-webhook-sweeper", every, () => services.webhooks.removeErasedDeliveries(), log),
    intervalTask("audit-sealer", AUDIT_SEAL_INTERVAL_MS, () => services.auditTrail.seal(), log),
    ...consumerTasks(services, log, metrics),
  ];
}

/**
 * The consumers of the store's queues: the webhook dispatcher and the job runners. `earthid worker`
 * runs only these; `metrics` when the process serves them.
 */
export function consumerTasks(services: Services, log: FastifyBaseLogger, metrics?: Pick<Metrics, "webhookAttemptEnded">): BackgroundTask[] {
  const { config } = services;
  return [
    webhookDispatcherTask({
      config,
      repo: services.deliveries,
      integrations: services.integrations,
      outbox: services.outbox,
      masterKey: services.masterKey,
      log,
      ...(metrics ? { onAttemptEnded: (attempt: EndedAttempt) => metrics.webhookAttemptEnded(attempt) } : {}),
    }),
    jobRunner({ repo: services.jobStore, queue: services.jobs, kinds: services.jobKinds, pollMs: config.jobPollMs, log }),
  ];
}
