import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { type ApiError, type ErrorName, apiError, catalogue } from "../errors.js";

/** An image's bytes as uploaded, and their SHA-256 (hex). */
export interface DecodedContent {
  bytes: Buffer;
  sha256: string;
}

/**
 * An upload body read off the event loop: the parsed JSON (with `image.content` emptied when it was
 * a string), the HMAC of the raw bytes under the caller's secret, and the content decoded, or the
 * error it gets (raised where the service checks the content, so that the API's order of errors
 * stays the same).
 */
export interface DecodedUpload {
  body: unknown;
  rawHmac: string | null;
  content?: DecodedContent | { error: ApiError };
  /** The body was not JSON: answered before anything else. */
  error?: ApiError;
}

/** The media work that must not run on the event loop: reading uploads, sealing and opening files. */
export interface MediaWork {
  decodeUpload(raw: Buffer, secret: Buffer | null): Promise<DecodedUpload>;
  /** Takes `plaintext` over (see mediaWork). */
  seal(key: Buffer, plaintext: Buffer, aad: string): Promise<Buffer>;
  /** The plaintext and, given the caller's secret, its HMAC (the response's signature). */
  open(key: Buffer, sealed: Buffer, aad: string, secret: Buffer | null): Promise<{ bytes: Buffer; hmac: string | null }>;
  close(): Promise<void>;
}

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
 */
export function mediaWork({ threads = Math.max(1, Math.min(4, availableParallelism() - 1)) }: { threads?: number } = {}): MediaWork {
  const pool = new Piscina({ filename: new URL("./worker.js", import.meta.url).href, minThreads: 0, maxThreads: threads, idleTimeout: 60_000 });

  return {
    async decodeUpload(raw, secret) {
      const result = (await pool.run({ raw, secret }, { name: "decodeUpload", transferList: handOver(raw) })) as {
        body?: unknown;
        rawHmac: string | null;
        error?: WorkError;
        content?: { bytes: Uint8Array; sha256: string } | { error: WorkError };
      };
      const decoded: DecodedUpload = { body: result.body, rawHmac: result.rawHmac };
      if (result.error) decoded.error = toApiError(result.error);
      if (result.content) decoded.content = "error" in result.content ? { error: toApiError(result.content.error) } : { bytes: asBuffer(result.content.bytes), sha256: result.content.sha256 };
      return decoded;
    },

    async seal(key, plaintext, aad) {
      return asBuffer(await pool.run({ key, plaintext, aad }, { name: "sealMedia", transferList: handOver(plaintext) }));
    },

    async open(key, sealed, aad, secret) {
      const { bytes, hmac } = (await pool.run({ key, sealed, aad, secret }, { name: "openMedia", transferList: handOver(sealed) })) as { bytes: Uint8Array; hmac: string | null };
      return { bytes: asBuffer(bytes), hmac };
    },

    close: () => pool.close(),
  };
}
