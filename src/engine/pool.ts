import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Verification, VerifyInput } from "./run/verify.js";
import type { FaceReading } from "./types.js";
import type { WorkerDescription } from "./worker.js";

export type { WorkerDescription } from "./worker.js";

/** The engine's worker threads, each with its own models: the CPU-heavy readings never run on the event loop. */
export interface EnginePool {
  readonly size: number;
  /**
   * One attempt read, compared and decided in a worker. The images are handed over to the worker
   * when they own their memory: do not read them afterwards. Rejects with EngineTimeout past the
   * pool's `verifyTimeoutMs` (the worker is then replaced, and loads its models again).
   */
  verify(input: VerifyInput, options?: { timeoutMs?: number }): Promise<Verification>;
  /** The faces in one image. The buffer is handed over to the worker when it owns its memory: do not read it afterwards. */
  readFace(image: Buffer): Promise<FaceReading>;
  /**
   * Resolves, with every worker's description, once every worker has its models loaded. It holds
   * every worker for a moment: ask once at start (for readiness), not on every health probe.
   */
  ready(): Promise<WorkerDescription[]>;
  close(): Promise<void>;
}

/**
 * One worker per two cores: a verification keeps about two threads busy (Tesseract recognises in its
 * own thread while human reads the faces in the worker). On this 2-core machine a second worker
 * added no throughput (bench:engine-speed: about 1 s of CPU per verification either way) and about
 * 370 MB: one worker peaked at 676 MB resident, within the 800 MB goal; two at 1,045 MB.
 */
export const defaultEngineWorkers = () => Math.max(1, Math.floor(availableParallelism() / 2));

/** Built, dist/ holds the worker as plain JS; run from src/, it is TypeScript and starts through worker-from-source.mjs. */
const workerFile = new URL(import.meta.url.endsWith(".ts") ? "./worker-from-source.mjs" : "./worker.js", import.meta.url).href;

const owns = (view: Uint8Array) => view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && !(view.buffer instanceof SharedArrayBuffer);
const handOver = (...views: (Uint8Array | undefined)[]): ArrayBuffer[] => [
  ...new Set(views.filter((v): v is Uint8Array => v !== undefined && owns(v)).map((v) => v.buffer as ArrayBuffer)),
];

/** A verification that outran the pool's time limit (a pathological image, a stuck OCR). */
export class EngineTimeout extends Error {
  override name = "EngineTimeout";
}

/** A verification takes about a second warm; a minute means something is stuck, even on a loaded machine. */
export const DEFAULT_VERIFY_TIMEOUT_MS = 60_000;

/**
 * Starts `size` workers at once and keeps them for the pool's life (no idle shutdown: a worker
 * costs about a second and 200 MB to load, and readiness means loaded).
 */
export function enginePool({ size = defaultEngineWorkers(), verifyTimeoutMs = DEFAULT_VERIFY_TIMEOUT_MS }: { size?: number; verifyTimeoutMs?: number } = {}): EnginePool {
  if (!Number.isInteger(size) || size < 1) throw new Error(`an engine pool needs at least one worker, not ${size}`);
  let asked: Promise<unknown> = Promise.resolve();
  const slots = semaphore(size);
  const pool = new Piscina({ filename: workerFile, minThreads: size, maxThreads: size, idleTimeout: Number.POSITIVE_INFINITY });

  return {
    size,
    async verify(input, { timeoutMs = verifyTimeoutMs } = {}) {
      const transferList = handOver(input.documentFront, input.documentBack, input.selfie);
      // The limit is on the work, not on the wait: a task reaches piscina only when a worker is free.
      await slots.take();
      try {
        return await pool.run(input, { name: "verify", transferList, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        if ((error as Error)?.name === "AbortError" || (error as Error)?.name === "TimeoutError") throw new EngineTimeout(`the verification took longer than ${timeoutMs} ms`);
        throw error;
      } finally {
        slots.give();
      }
    },
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

/** At most `count` holders at once; the others wait their turn, first come first served. */
function semaphore(count: number) {
  let free = count;
  const waiting: (() => void)[] = [];
  return {
    take: () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve))),
    give: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
