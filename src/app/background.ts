import type { FastifyBaseLogger } from "fastify";
import { type BackgroundTask, intervalTask } from "../background-task.js";
import { webhookDispatcherTask } from "../webhooks/task.js";
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
    intervalTask("retention-sweeper", every, () => retention.sweep(), log),
    intervalTask("audit-sealer", AUDIT_SEAL_INTERVAL_MS, () => services.auditTrail.seal(), log),
    webhookDispatcherTask({
      config,
      repo: services.deliveries,
      integrations: services.integrations,
      outbox: services.outbox,
      masterKey: services.masterKey,
      log,
      onAttemptEnded: (attempt) => metrics.webhookAttemptEnded(attempt),
    }),
  ];
}
