import type { FastifyBaseLogger } from "fastify";
import type { Runtime } from "./runtime.js";
import type { EndedAttempt } from "./webhooks/dispatcher.js";
import { webhookDispatcherTask } from "./webhooks/task.js";
import { runtimeRetention } from "./sessions/retention.js";

/** Work the service does on its own, off the request path: sweepers, the webhook dispatcher. */
export interface BackgroundTask {
  name: string;
  start(): void;
  /** Resolves when in-flight work has finished; nothing new starts after it is called. */
  stop(): Promise<void>;
}

/** What the tasks report as they work, for the metrics of whoever runs them. */
export interface TaskReports {
  webhookAttemptEnded?(attempt: EndedAttempt): void;
}

/** Every instance runs these; on PostgreSQL they share the work with other instances safely. */
export function backgroundTasks(runtime: Runtime, log: FastifyBaseLogger, reports: TaskReports = {}): BackgroundTask[] {
  const { config, lifecycle } = runtime;
  const every = config.sweepIntervalSeconds * 1000;
  const retention = runtimeRetention(runtime, log);
  return [
    intervalTask("expiry-sweeper", every, () => lifecycle.sweepUnfinished(config.unfinishedAfterSeconds * 1000), log),
    intervalTask("retention-sweeper", every, () => retention.sweep(), log),
    webhookDispatcherTask(runtime, log, reports.webhookAttemptEnded),
  ];
}

/** A task that runs `work` every `intervalMs` (never two at once), logging failures instead of dying. */
export function intervalTask(name: string, intervalMs: number, work: () => Promise<unknown>, log: FastifyBaseLogger): BackgroundTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = work()
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error, task: name }, "background task failed"))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name,
    start() {
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
