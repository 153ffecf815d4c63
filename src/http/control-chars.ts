import type { FastifyInstance } from "fastify";
import { apiError } from "../errors.js";

/**
 * Control characters in a URL, percent-encoded (Node's parser already refuses them raw): C0
 * (%00–%1F), DEL (%7F) and C1 (U+0080–U+009F, %C2%80–%C2%9F in UTF-8). None belongs in an id, a
 * query value or a path, and NUL reached PostgreSQL as a 500 (issue 14, finding 6).
 */
const CONTROL_IN_URL = /%(?:[01][0-9a-f]|7f)|%c2%[89][0-9a-f]/i;

/**
 * In JSON text: C0 but tab, line feed and carriage return (free text may hold them; URL fields are
 * checked on their own), DEL, C1, and surrogates that are not half of a pair (the u flag makes the
 * range match only those), which the store would give back as U+FFFD.
 */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/u;

const refused = (field: string) => apiError("INVALID_PARAMETER", { field, detail: "must be well-formed text without NUL characters or other control characters" });

/** The first string (a value or a key) of a parsed body holding such a character, as its path; depth is bounded by the parser. */
function controlCharacterAt(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return CONTROL_IN_TEXT.test(value) ? path : undefined;
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = controlCharacterAt(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (CONTROL_IN_TEXT.test(key)) return path || "body";
    const found = controlCharacterAt(inner, at);
    if (found) return found;
  }
  return undefined;
}

/** Throws 1104 naming the field when a parsed JSON body holds a control character anywhere. */
export function refuseControlCharactersIn(body: unknown): void {
  const field = controlCharacterAt(body, "");
  if (field !== undefined) throw refused(field || "body");
}

/**
 * Every route, before authentication, routing's 404 included: a URL with a percent-encoded
 * control character is refused with 1104, so that no id, query value or path carrying one reaches
 * a handler or a store.
 */
export function refuseControlCharactersInUrls(app: FastifyInstance): void {
  app.addHook("onRequest", (request, _reply, done) => {
    const url = request.raw.url ?? "";
    if (url.includes("%") && CONTROL_IN_URL.test(url)) done(refused(whereInUrl(url)));
    else done();
  });
}

/** The query parameter holding the character (its name, when that name is clean), or the path. */
function whereInUrl(url: string): string {
  const at = url.indexOf("?");
  if (at < 0 || !CONTROL_IN_URL.test(url.slice(at))) return "url path";
  for (const pair of url.slice(at + 1).split("&")) {
    const [name = ""] = pair.split("=", 1);
    if (CONTROL_IN_URL.test(pair) && !CONTROL_IN_URL.test(name) && /^[\w.-]{1,64}$/.test(name)) return `query string parameter ${name}`;
  }
  return "query string";
}
