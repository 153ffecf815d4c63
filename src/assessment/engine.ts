import { type EnginePool, enginePool } from "../engine/pool.js";

/**
 * off: this instance runs no engine workers (EARTHID_ENGINE_WORKERS=0); idle: not started yet;
 * loading: the workers are loading their models; ready; failed: a worker could not load them.
 */
export type EngineState = "off" | "idle" | "loading" | "ready" | "failed";

/** The instance's engine workers: started at boot by a server or worker process, else on first use. */
export interface EngineWorkers {
  readonly size: number;
  state(): EngineState;
  /** Starts the workers once; resolves when every one has its models loaded. */
  start(): Promise<void>;
  /**
   * Resolves once the models started at boot (`start`) are loaded, rejecting if they could not be;
   * at once when nobody started them (they are then loaded at first use, as in the CLI's replay).
   */
  untilLoaded(): Promise<void>;
  /** The pool (started if it was not). Throws when this instance runs no engine workers. */
  pool(): EnginePool;
  close(): Promise<void>;
}

export function engineWorkers(size: number, makePool: (size: number) => EnginePool = (n) => enginePool({ size: n })): EngineWorkers {
  let pool: EnginePool | undefined;
  let loaded: Promise<void> | undefined;
  let state: EngineState = size === 0 ? "off" : "idle";

  const started = (): EnginePool => {
    if (size === 0) throw new Error("this instance runs no engine workers (EARTHID_ENGINE_WORKERS=0)");
    if (!pool) {
      pool = makePool(size);
      state = "loading";
      loaded = pool.ready().then(
        () => void (state = "ready"),
        (error: unknown) => {
          state = "failed";
          throw error;
        },
      );
      // A failure is reported by state() and by start(); an unawaited start must not crash the process.
      loaded.catch(() => undefined);
    }
    return pool;
  };

  return {
    size,
    state: () => state,
    async start() {
      if (size === 0) return;
      started();
      await loaded;
    },
    untilLoaded: () => loaded ?? Promise.resolve(),
    pool: started,
    async close() {
      await pool?.close();
    },
  };
}
