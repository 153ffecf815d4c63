/**
 * An engine worker thread (see pool.ts): loads the models once, when the thread starts (piscina
 * imports this module before handing it any task, so the top-level await holds tasks back until the
 * models are in), then answers tasks with them for the thread's lifetime. A task added here is
 * re-exported by worker-from-source.mjs too, and gets its method in pool.ts.
 */
import { threadId } from "node:worker_threads";
import { faceModelLoads } from "./face/model.js";
import { createVerifier, type Verification, type VerifyInput } from "./run/verify.js";
import type { EngineVersions } from "./run/versions.js";
import type { FaceReading } from "./types.js";

const started = performance.now();
// The document reader (Tesseract, zxing) and the face model (human) load side by side.
const verifier = await createVerifier();
const loadMs = Math.round(performance.now() - started);

// Node has had Atomics.waitAsync since 16; the compiler's ES2023 library does not list it yet.
type WaitAsync = (cells: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** A Buffer over the bytes that crossed threads (they arrive as a plain Uint8Array). */
const bufferOf = (view: Uint8Array) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

/** The engine's task: one attempt's document and selfie read, compared and decided. */
export function verify(input: VerifyInput): Promise<Verification> {
  return verifier.verify(input);
}

export function readFace({ image }: { image: Uint8Array }): Promise<FaceReading> {
  return verifier.readFace(bufferOf(image));
}

/** What this thread holds, for readiness and the record of a decision. */
export interface WorkerDescription {
  threadId: number;
  loadMs: number;
  /** Times the face model was loaded in this thread: 1 for the thread's whole life. */
  faceModelLoads: number;
  face: EngineVersions["face"];
  versions: EngineVersions;
  /** Bytes held by the wasm backend's tensors in this thread. */
  tensorBytes: number;
}

/**
 * This thread's description, once every other task of the same barrier has reached a thread too:
 * each task holds its thread until all have arrived, so `size` of them land on `size` distinct
 * threads (a busy thread takes no second task), which is how the pool asks every worker at once.
 */
export async function describe({ barrier }: { barrier: SharedArrayBuffer }): Promise<WorkerDescription> {
  const cells = new Int32Array(barrier);
  const expected = Atomics.load(cells, 0);
  Atomics.add(cells, 1, 1);
  Atomics.notify(cells, 1);
  for (let arrived = Atomics.load(cells, 1); arrived < expected; arrived = Atomics.load(cells, 1)) {
    const wait = waitAsync(cells, 1, arrived);
    if (wait.async) await wait.value;
  }
  const { versions } = verifier;
  return { threadId, loadMs, faceModelLoads: faceModelLoads(), face: versions.face, versions, tensorBytes: verifier.tensorBytes() };
}
