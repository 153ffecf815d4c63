import type { FastifyInstance } from "fastify";
import { apiError } from "../errors.js";
import { parseJsonBody } from "./json-parse.js";
import { refuseControlCharactersIn } from "./control-chars.js";

/**
 * JSON bodies are parsed from the raw bytes, which are kept on the request: signatures are over the
 * exact bytes sent, never over a re-serialisation. Prototype-poisoning keys are dropped, and text
 * with NUL or other control characters is refused (1104) before any route sees it.
 */
export function acceptJsonKeepingRawBody(app: FastifyInstance): void {
  app.decorateRequest("rawBody", null);
  app.decorateRequest("rawBodyHmac", null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    const parsed = parseJsonBody(raw);
    if ("error" in parsed) return done(apiError(parsed.error.code, parsed.error.params), undefined);
    try {
      refuseControlCharactersIn(parsed.value);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, parsed.value);
  });
}
