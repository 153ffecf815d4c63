// @ts-check
/**
 * The CPU-heavy part of media, run in the worker threads of src/media/work.ts and never on the event
 * loop: a 24 MB upload costs about 150 ms of hashing, parsing, base64 and AES, which would otherwise
 * stall every other request for as long. Plain JavaScript, so that a worker loads it as it is, from
 * src/ under the tests and from dist/ once built. Errors are returned as { code, params } for the
 * main thread's error catalogue (src/errors.ts), which this file cannot import.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { parseJsonBody } from "../http/json-parse.js";

/** Veriff's limit on `image.content` (reference §4.3), in base64 characters (whitespace excluded). */
export const MAX_BASE64_CHARS = 24 * 1024 * 1024;

const FIELD = "image.content";
const DATA_URI = /^data:([^,]{0,200}),/i;
const NOT_BASE64 = /[^A-Za-z0-9+/_-]/;
const WHITESPACE = /[\r\n\t ]+/g;

/** @typedef {{ code: string; params: Record<string, unknown> }} WorkError */

/** @param {string} code @param {Record<string, unknown>} params @returns {{ error: WorkError }} */
const fail = (code, params) => ({ error: { code, params } });

/** A Buffer over the bytes of a Uint8Array that crossed threads (it arrives as a plain Uint8Array). */
const bufferOf = (/** @type {Uint8Array} */ view) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

/**
 * `value`, with the memory of `buffers` handed over to the main thread instead of copied: those that
 * own all of theirs (a small Buffer is a slice of Node's shared pool, and is copied).
 * @template {object} T @param {T} value @param {Buffer[]} buffers
 */
function handingOver(value, buffers) {
  const list = buffers.filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength).map((b) => b.buffer);
  return move({ [transferableSymbol]: list, [valueSymbol]: value });
}

/**
 * Base64 text without whitespace and padding, or 1401 naming the first offending character.
 * @param {string} raw @returns {{ text: string } | { error: WorkError }}
 */
function normalise(raw) {
  let text = raw;
  let bad = NOT_BASE64.exec(text);
  if (bad && /[\r\n\t ]/.test(bad[0])) {
    text = text.replace(WHITESPACE, "");
    bad = NOT_BASE64.exec(text);
  }
  if (!bad) return { text };
  const padding = /={1,2}$/.exec(text);
  if (padding && bad.index === padding.index) {
    if (text.length % 4 !== 0) return fail("IMAGE_NOT_BASE64", { field: FIELD, detail: "has padding in the wrong place" });
    return { text: text.slice(0, padding.index) };
  }
  return fail("IMAGE_NOT_BASE64", { field: FIELD, detail: `has the character ${JSON.stringify(bad[0])} at position ${bad.index}` });
}

/**
 * The bytes of `image.content`: bare base64 or a data URI. Whatever type a data URI declares is
 * ignored; the bytes are inspected later. Both base64 alphabets are read, padding is optional and
 * line breaks (MIME-style wrapping) are tolerated. 1400 when there is nothing, 1401 when it is not
 * base64, 413 past the limit.
 * @param {string} content @returns {{ bytes: Buffer } | { error: WorkError }}
 */
export function decodeContent(content) {
  if (content.length === 0) return fail("IMAGE_NOT_FOUND", { field: FIELD, detail: "is empty" });
  let text = content;
  const uri = DATA_URI.exec(text.slice(0, 256));
  if (uri) {
    if (!/;base64$/i.test(uri[1] ?? "")) return fail("IMAGE_NOT_BASE64", { field: FIELD, detail: "is a data URI without ;base64" });
    text = text.slice(uri[0].length);
  } else if (/^data:/i.test(text)) {
    return fail("IMAGE_NOT_BASE64", { field: FIELD, detail: "is a data URI without a comma before its data" });
  }
  const normalised = normalise(text);
  if ("error" in normalised) return normalised;
  text = normalised.text;
  if (text.length === 0) return fail("IMAGE_NOT_FOUND", { field: FIELD, detail: "holds no data" });
  if (text.length > MAX_BASE64_CHARS) return fail("BODY_TOO_LARGE", { limit: MAX_BASE64_CHARS });
  if (text.length % 4 === 1) return fail("IMAGE_NOT_BASE64", { field: FIELD, detail: "is truncated (its length is not a whole number of base64 groups)" });
  return { bytes: Buffer.from(text, "base64") };
}

/**
 * A value of the body handed back to the main thread as it is when it is a scalar, or as an empty
 * twin of its JSON type: the route's schema still sees the right type (and answers the same code),
 * and nothing nested crosses threads, whatever was sent.
 * @param {unknown} value
 */
const shallow = (value) => (Array.isArray(value) ? [] : value !== null && typeof value === "object" ? {} : value);

/** The fields of an upload the route reads (reference §4.3); every other one is dropped here. */
const IMAGE_FIELDS = /** @type {const} */ (["context", "content", "timestamp"]);

/**
 * The body the route validates, built from the known fields only: `{ image: { context, content,
 * timestamp } }`, each a scalar or an empty twin (see shallow).
 * @param {unknown} body
 */
function knownFields(body) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return shallow(body);
  const image = /** @type {Record<string, unknown>} */ (body).image;
  if (image === undefined) return {};
  if (image === null || typeof image !== "object" || Array.isArray(image)) return { image: shallow(image) };
  /** @type {Record<string, unknown>} */
  const known = {};
  for (const field of IMAGE_FIELDS) {
    if (Object.hasOwn(image, field)) known[field] = shallow(/** @type {Record<string, unknown>} */ (image)[field]);
  }
  return { image: known };
}

/**
 * An upload's body, whose signature the main thread checked as it streamed in (an unsigned body
 * never gets here), read as every JSON body is (src/http/json-parse.js), and `image.content`, when
 * it is a string, decoded here. What goes back is the known fields only (knownFields, with an empty
 * string for the content, so the route's schema still sees a string) and the content's bytes with
 * their SHA-256: never an object of the caller's making, which the main thread would have to decode
 * whatever its depth (issue 14: one nested 5,000 levels deep wedged the pool).
 *
 * @param {{ raw: Uint8Array }} task
 */
export function decodeUpload({ raw }) {
  const bytes = bufferOf(raw);
  const parsed = parseJsonBody(bytes);
  if ("error" in parsed) return { error: parsed.error };
  const body = /** @type {any} */ (knownFields(parsed.value));
  const content = /** @type {any} */ (parsed.value)?.image?.content;
  if (typeof content !== "string") return { body };
  body.image.content = "";
  const decoded = decodeContent(content);
  if ("error" in decoded) return { body, content: decoded };
  const sha256 = createHash("sha256").update(decoded.bytes).digest("hex");
  return handingOver({ body, content: { bytes: decoded.bytes, sha256 } }, [decoded.bytes]);
}

/*
 * Media files at rest: version byte 1 | 12-byte IV | ciphertext | 16-byte tag, AES-256-GCM under the
 * session's data key, the AAD binding a file to its session and media id.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** @param {{ key: Uint8Array; plaintext: Uint8Array; aad: string }} task */
export function sealMedia({ key, plaintext, aad }) {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", bufferOf(key), iv);
  cipher.setAAD(Buffer.from(aad));
  const body = cipher.update(bufferOf(plaintext));
  const final = cipher.final();
  const sealed = Buffer.concat([Buffer.of(VERSION), iv, body, final, cipher.getAuthTag()]);
  return handingOver(sealed, [sealed]);
}

/**
 * The plaintext of a sealed file, and its HMAC under `secret` when one is given (the signature of
 * the response that will carry it). A file that does not open (tampered, another name's, another
 * key's) is an error, not a result.
 * @param {{ key: Uint8Array; sealed: Uint8Array; aad: string; secret: Uint8Array | null }} task
 */
export function openMedia({ key, sealed, aad, secret }) {
  const file = bufferOf(sealed);
  if (file.length < 1 + IV_BYTES + TAG_BYTES || file[0] !== VERSION) throw new Error("media file has an unknown layout");
  const decipher = createDecipheriv("aes-256-gcm", bufferOf(key), file.subarray(1, 1 + IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES));
  const bytes = Buffer.concat([decipher.update(file.subarray(1 + IV_BYTES, file.length - TAG_BYTES)), decipher.final()]);
  const hmac = secret ? createHmac("sha256", bufferOf(secret)).update(bytes).digest("hex") : null;
  return handingOver({ bytes, hmac }, [bytes]);
}
