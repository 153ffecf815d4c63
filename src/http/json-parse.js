// @ts-check
/**
 * How a JSON body is read, shared by the event loop's parser (src/http/json-body.ts) and the media
 * worker threads (src/media/worker.js): UTF-8 only, prototype-poisoning keys dropped. Plain
 * JavaScript so that a worker thread loads it as it is. Errors are { code, params } for the
 * catalogue of src/errors.ts.
 */
import { isUtf8 } from "node:buffer";
import secureJson from "secure-json-parse";

/**
 * @param {Buffer} raw
 * @returns {{ value: unknown } | { error: { code: "MALFORMED_JSON"; params: { detail: string } } }}
 */
export function parseJsonBody(raw) {
  /** @param {string} detail */
  const malformed = (detail) => ({ error: { code: /** @type {const} */ ("MALFORMED_JSON"), params: { detail } } });
  if (raw.length === 0) return malformed("the body is empty");
  // JSON is UTF-8 (RFC 8259); decoding bad bytes to U+FFFD would store and echo text nobody sent.
  if (!isUtf8(raw)) return malformed("the body is not valid UTF-8");
  try {
    return { value: secureJson.parse(raw.toString("utf8"), undefined, { protoAction: "remove", constructorAction: "remove" }) };
  } catch (error) {
    return malformed(/** @type {Error} */ (error).message);
  }
}
