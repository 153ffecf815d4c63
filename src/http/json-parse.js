// @ts-check
/**
 * How a JSON body is read, shared by the event loop's parser (src/http/json-body.ts) and the media
 * worker threads (src/media/worker.js): UTF-8 only, nesting bounded, prototype-poisoning keys
 * dropped. Plain JavaScript so that a worker thread loads it as it is. Errors are { code, params }
 * for the catalogue of src/errors.ts.
 */
import { isUtf8 } from "node:buffer";
import secureJson from "secure-json-parse";

/**
 * Deeper than any body of the API (about five levels), far shallower than what breaks recursive
 * code downstream: a value 5,000 levels deep overflowed the stack where a worker's result was
 * decoded and wedged the media pool (issue 14).
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether arrays and objects in `raw` nest deeper than `limit`, in one pass over the bytes before
 * anything is built; strings are skipped with indexOf, so a 24 MB image costs little. Malformed
 * text is left to the parser to describe.
 * @param {Buffer} raw @param {number} limit
 */
export function nestsDeeperThan(raw, limit) {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === QUOTE) {
      let end = i;
      for (;;) {
        end = raw.indexOf(QUOTE, end + 1);
        if (end < 0) return false;
        let slashes = 0;
        while (raw[end - 1 - slashes] === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > limit) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * @param {Buffer} raw
 * @returns {{ value: unknown } | { error: { code: "MALFORMED_JSON"; params: { detail: string } } | { code: "JSON_TOO_DEEP"; params: { limit: number } } }}
 */
export function parseJsonBody(raw) {
  /** @param {string} detail */
  const malformed = (detail) => ({ error: { code: /** @type {const} */ ("MALFORMED_JSON"), params: { detail } } });
  if (raw.length === 0) return malformed("the body is empty");
  // JSON is UTF-8 (RFC 8259); decoding bad bytes to U+FFFD would store and echo text nobody sent.
  if (!isUtf8(raw)) return malformed("the body is not valid UTF-8");
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) return { error: { code: /** @type {const} */ ("JSON_TOO_DEEP"), params: { limit: MAX_JSON_DEPTH } } };
  try {
    return { value: secureJson.parse(raw.toString("utf8"), undefined, { protoAction: "remove", constructorAction: "remove" }) };
  } catch (error) {
    return malformed(/** @type {Error} */ (error).message);
  }
}
