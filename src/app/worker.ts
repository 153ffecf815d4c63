import { pino } from "pino";
import type { Config } from "../config.js";
import { openMigratedServices } from "./compose.js";
import { consumerTasks } from "./background.js";

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * `earthid worker`: the job runners and the webhook dispatcher on the configured store, with no
 * HTTP server. Meant for PostgreSQL, where any number of workers and API instances share the work
 * through the leases (EARTHID_ENGINE_WORKERS sizes this process's share of assessments).
 */
export async function startWorker(config: Config): Promise<RunningWorker> {
  const log = pino({ level: config.logLevel });
  const services = await openMigratedServices(config, { log });
  // The engine's models load once, from start; its jobs are claimed only once they are in (the job
  // kind's `ready`: a claim's lease would otherwise run out while they load), webhooks go out at once.
  services.engine.start().then(
    () => config.engineWorkers > 0 && log.info({ engineWorkers: config.engineWorkers }, "the engine's models are loaded"),
    () => undefined, // the job runner logs it, and claims no assessment
  );
  const tasks = consumerTasks(services, log);
  tasks.forEach((task) => task.start());
  // The tasks' timers do not hold the process (a server's socket does, for `serve`): this one does.
  const alive = setInterval(() => {}, 1 << 30);
  const kinds = services.jobKinds.map((kind) => `${kind.kind}×${kind.concurrency}`).join(", ");
  log.info({ store: services.store.kind, kinds, engineWorkers: config.engineWorkers }, "EarthID Verify worker is running");
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        await Promise.all(tasks.map((task) => task.stop()));
        clearInterval(alive);
        await services.close();
        log.info("EarthID Verify worker stopped");
      })()),
  };
}
