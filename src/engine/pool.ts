import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { FaceReading } from "./types.js";
import type { WorkerDescription } from "./worker.js";

export type { WorkerDescription } from "./worker.js";

/** The engine's worker threads, each with its own models: the CPU-heavy readings never run on the event loop. */
export interface EnginePool {
  readonly size: number;
  /** The faces in one image. The buffer is handed over to the worker when it owns its memory: do not read it afterwards. */
  readFace(image: Buffer): Promise<FaceReading>;
  /**
   * Resolves, with every worker's description, once every worker has its models loaded. It holds
   * every worker for a moment: ask once at start (for readiness), not on every health probe.
   */
  ready(): Promise<WorkerDescription[]>;
  close(): Promise<void>;
}

/** One worker per core: a reading keeps one core busy (the wasm backend runs single-threaded), and the event loop mostly waits. */
export const defaultEngineWorkers = () => Math.max(1, availableParallelism());

/** Built, dist/ holds the worker as plain JS; run from src/, it is TypeScript and starts through worker-from-source.mjs. */
const workerFile = new URL(import.meta.url.endsWith(".ts") ? "./worker-from-source.mjs" : "./worker.js", import.meta.url).href;

const handOver = (buffer: Buffer): ArrayBuffer[] => (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength ? [buffer.buffer as ArrayBuffer] : []);

/**
 * Starts `size` workers at once and keeps them for the pool's life (no idle shutdown: a worker
 * costs about a second and 200 MB to load, and readiness means loaded).
 */
export function enginePool({ size = defaultEngineWorkers() }: { size?: number } = {}): EnginePool {
  if (!Number.isInteger(size) || size < 1) throw new Error(`an engine pool needs at least one worker, not ${size}`);
  let asked: Promise<unknown> = Promise.resolve();
  const pool = new Piscina({ filename: workerFile, minThreads: size, maxThreads: size, idleTimeout: Number.POSITIVE_INFINITY });

  return {
    size,
    readFace: (image) => pool.run({ image }, { name: "readFace", transferList: handOver(image) }),
    ready() {
      // One barrier at a time: two at once could each hold some of the workers, waiting for the others forever.
      const described = asked.then(() => {
        const barrier = new SharedArrayBuffer(8);
        new Int32Array(barrier)[0] = size;
        return Promise.all(Array.from({ length: size }, () => pool.run({ barrier }, { name: "describe" }) as Promise<WorkerDescription>));
      });
      asked = described.catch(() => undefined);
      return described;
    },
    close: () => pool.close(),
  };
}
