import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { type ApiError, type ErrorName, apiError, catalogue } from "../errors.js";

/** An image's bytes as uploaded, and their SHA-256 (hex). */
export interface DecodedContent {
  bytes: Buffer;
  sha256: string;
}

/**
 * An upload body read off the event loop: its known fields (`image.context`, `image.timestamp`,
 * and `image.content` emptied when it was a string), and the content decoded, or the error it gets (raised where the service checks the
 * content, so that the API's order of errors stays the same).
 */
export interface DecodedUpload {
  body: unknown;
  /** Always null now: the HMAC is worked out as the body streams in (src/media/upload-gate.ts). */
  rawHmac: string | null;
  content?: DecodedContent | { error: ApiError };
  /** The body was not JSON: answered before anything else. */
  error?: ApiError;
}

/** The media work that must not run on the event loop: reading uploads, sealing and opening files. */
export interface MediaWork {
  /** `raw` is a body whose sender the caller already authenticated (the HMAC in src/media/upload-gate.ts, the session token in src/flow/api-routes.ts): nothing unauthenticated is parsed. */
  decodeUpload(raw: Buffer): Promise<DecodedUpload>;
  /** Takes `plaintext` over (see mediaWork). */
  seal(key: Buffer, plaintext: Buffer, aad: string): Promise<Buffer>;
  /** The plaintext and, given the caller's secret, its HMAC (the response's signature). */
  open(key: Buffer, sealed: Buffer, aad: string, secret: Buffer | null): Promise<{ bytes: Buffer; hmac: string | null }>;
  /**
   * False while work is waiting and no task has finished for `stallAfterMs`: the threads stopped
   * answering (readiness reports it).
   */
  answering(): boolean;
  /**
   * The server is stopping: requests in flight may still start tasks, but in `closeTimeoutMs` the
   * pool closes whatever they do, so that one that never ends cannot keep the server open.
   */
  shuttingDown(): void;
  /** Waits for the tasks running, at most `closeTimeoutMs`, then ends the threads whatever they do. Once. */
  close(): Promise<void>;
}

export interface MediaWorkOptions {
  threads?: number;
  /** The module the threads run; another one only in tests (a worker that never answers). */
  filename?: string;
  /** Every task, queued or running, is aborted after this long (its thread ended) and answers 503. */
  taskTimeoutMs?: number;
  stallAfterMs?: number;
  /** How long close() waits for running tasks, and shuttingDown() before it closes. */
  closeTimeoutMs?: number;
}

/** About 200 times the work of the largest upload, so that only a thread that stopped answering reaches it. */
export const MEDIA_TASK_TIMEOUT_MS = 30_000;

interface WorkError {
  code: string;
  params: Record<string, string | number>;
}

const asBuffer = (view: Uint8Array) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

/** The memory of `buffer` goes to the worker instead of a copy, when it owns all of it (not a slice of Node's pool). */
const handOver = (buffer: Buffer): ArrayBuffer[] => (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength ? [buffer.buffer as ArrayBuffer] : []);

function toApiError({ code, params }: WorkError): ApiError {
  if (!(code in catalogue)) throw new Error(`media worker returned an unknown error ${code}`);
  return apiError(code as ErrorName, params);
}

/**
 * A pool of worker threads (piscina) running src/media/worker.js; one thread fewer than the cores,
 * at least one, started on first use and stopped when idle. The buffers given to it (a raw body, an
 * image to seal, a file to open) are moved to the worker, not copied, when they own their memory:
 * callers hand them over for good and must not read them afterwards.
 *
 * No task can hold a thread for good (issue 14: four requests once took every thread and every
 * upload and download after them hung): each one has a deadline, after which its thread is ended
 * and replaced and the request answers 503; closing has one too.
 */
export function mediaWork({
  threads = Math.max(1, Math.min(4, availableParallelism() - 1)),
  filename = new URL("./worker.js", import.meta.url).href,
  taskTimeoutMs = MEDIA_TASK_TIMEOUT_MS,
  stallAfterMs = 10_000,
  closeTimeoutMs = 10_000,
}: MediaWorkOptions = {}): MediaWork {
  const pool = new Piscina({ filename, minThreads: 0, maxThreads: threads, idleTimeout: 60_000, closeTimeout: closeTimeoutMs });
  // Piscina reports a close that ran out of time, or a thread that failed outside any task, as an
  // 'error' event; unheard, that would end the process. Either way the threads are gone or replaced.
  pool.on("error", () => undefined);

  let waiting = 0;
  let progressAt = Date.now();
  let closing: Promise<void> | undefined;
  let shutdownTimer: NodeJS.Timeout | undefined;

  /** A task with its deadline; a task that finished, well or not, is progress, one that timed out is not. */
  async function run<T>(task: unknown, options: { name: string; transferList: ArrayBuffer[] }): Promise<T> {
    if (waiting === 0) progressAt = Date.now();
    waiting++;
    let timedOut = false;
    try {
      return (await pool.run(task, { ...options, signal: AbortSignal.timeout(taskTimeoutMs) })) as T;
    } catch (error) {
      // Aborted past its deadline, or its thread ended by close(): either way the work was not done.
      if ((error as Error).name === "AbortError" || closing) {
        timedOut = true;
        throw apiError("MEDIA_WORK_TIMEOUT");
      }
      throw error;
    } finally {
      waiting--;
      if (!timedOut) progressAt = Date.now();
    }
  }

  return {
    async decodeUpload(raw) {
      const result = await run<{
        body?: unknown;
        error?: WorkError;
        content?: { bytes: Uint8Array; sha256: string } | { error: WorkError };
      }>({ raw }, { name: "decodeUpload", transferList: handOver(raw) });
      const decoded: DecodedUpload = { body: result.body, rawHmac: null };
      if (result.error) decoded.error = toApiError(result.error);
      if (result.content) decoded.content = "error" in result.content ? { error: toApiError(result.content.error) } : { bytes: asBuffer(result.content.bytes), sha256: result.content.sha256 };
      return decoded;
    },

    async seal(key, plaintext, aad) {
      return asBuffer(await run<Uint8Array>({ key, plaintext, aad }, { name: "sealMedia", transferList: handOver(plaintext) }));
    },

    async open(key, sealed, aad, secret) {
      const { bytes, hmac } = await run<{ bytes: Uint8Array; hmac: string | null }>({ key, sealed, aad, secret }, { name: "openMedia", transferList: handOver(sealed) });
      return { bytes: asBuffer(bytes), hmac };
    },

    answering: () => waiting === 0 || Date.now() - progressAt < stallAfterMs,

    shuttingDown() {
      shutdownTimer ??= setTimeout(() => void this.close(), closeTimeoutMs).unref();
    },

    close() {
      clearTimeout(shutdownTimer);
      closing ??= pool.close();
      return closing;
    },
  };
}
