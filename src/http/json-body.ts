import { isUtf8 } from "node:buffer";
import type { FastifyInstance } from "fastify";
import secureJson from "secure-json-parse";
import { apiError } from "../errors.js";

/**
 * JSON bodies are parsed from the raw bytes, which are kept on the request: signatures are over the
 * exact bytes sent, never over a re-serialisation. Prototype-poisoning keys are dropped.
 */
export function acceptJsonKeepingRawBody(app: FastifyInstance): void {
  app.decorateRequest("rawBody", null);
  app.decorateRequest("rawBodyHmac", null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(apiError("MALFORMED_JSON", { detail: "the body is empty" }), undefined);
    // JSON is UTF-8 (RFC 8259); decoding bad bytes to U+FFFD would store and echo text nobody sent.
    if (!isUtf8(raw)) return done(apiError("MALFORMED_JSON", { detail: "the body is not valid UTF-8" }), undefined);
    try {
      done(null, secureJson.parse(raw.toString("utf8"), undefined, { protoAction: "remove", constructorAction: "remove" }));
    } catch (error) {
      done(apiError("MALFORMED_JSON", { detail: (error as Error).message }), undefined);
    }
  });
}
