import type { FastifyBaseLogger } from "fastify";

/** Work the service does on its own, off the request path: sweepers, the webhook dispatcher. */
export interface BackgroundTask {
  name: string;
  start(): void;
  /** Resolves when in-flight work has finished; nothing new starts after it is called. */
  stop(): Promise<void>;
  /** Units of work under way (webhook attempts), for the shutdown's report. */
  inFlight?(): number;
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
