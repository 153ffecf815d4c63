import type { FastifyBaseLogger } from "fastify";
import { type BackgroundTask, intervalTask } from "../background-task.js";
import { webhookDispatcherTask } from "../webhooks/task.js";
import type { Metrics } from "../ops/metrics.js";
import type { Services } from "./compose.js";

/** Every instance runs these; on PostgreSQL they share the work with other instances safely. */
export function backgroundTasks(services: Services, metrics: Pick<Metrics, "webhookAttemptEnded">, log: FastifyBaseLogger): BackgroundTask[] {
  const { config, lifecycle, retention } = services;
  const every = config.sweepIntervalSeconds * 1000;
  return [
    intervalTask("expiry-sweeper", every, () => lifecycle.sweepUnfinished(config.unfinishedAfterSeconds * 1000), log),
    intervalTask("retention-sweeper", every, () => retention.sweep(), log),
    intervalTask("erased-webhook-sweeper", every, () => services.webhooks.removeErasedDeliveries(), log),
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
