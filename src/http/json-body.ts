import type { FastifyInstance } from "fastify";
import { apiError } from "../errors.js";
import { parseJsonBody } from "./json-parse.js";

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
    const parsed = parseJsonBody(raw);
    if ("error" in parsed) done(apiError(parsed.error.code, parsed.error.params), undefined);
    else done(null, parsed.value);
  });
}
