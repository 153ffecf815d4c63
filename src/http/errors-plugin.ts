import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, apiError } from "../errors.js";
import { validationErrorFormatter } from "./validation-errors.js";
import { unsupportedEndpoint } from "./unsupported-endpoints.js";

const defaultFormatter = validationErrorFormatter();

/** Maps whatever was thrown to a catalogue error; Fastify's own failures get their Veriff-style twin. */
function toApiError(error: FastifyError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) return defaultFormatter(error.validation, error.validationContext ?? "body");
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return apiError("UNSUPPORTED_MEDIA_TYPE", { got: contentTypeSent(request) });
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return apiError("BODY_TOO_LARGE", { limit: request.routeOptions.bodyLimit ?? 0 });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return apiError("MALFORMED_JSON", { detail: error.message });
  }
  if (error.statusCode === 429) return apiError("RATE_LIMITED", { detail: error.message });
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const mapped = apiError("VALIDATION_FAILED", { detail: error.message });
    return Object.assign(mapped, { statusCode: error.statusCode });
  }
  return apiError("INTERNAL", { requestId: request.id });
}

/** The Content-Type that arrived, quoted and cut short (it is the caller's text), for a 1903 message. */
function contentTypeSent(request: FastifyRequest): string {
  const sent = request.headers["content-type"];
  return sent === undefined || sent === "" ? "no Content-Type header" : JSON.stringify(sent.length > 100 ? `${sent.slice(0, 100)}…` : sent);
}

function sendError(reply: FastifyReply, error: ApiError) {
  return reply
    .code(error.statusCode)
    .header("content-type", "application/json; charset=utf-8")
    .header("cache-control", "no-store")
    .send(JSON.stringify({ status: "fail", code: error.code, message: error.message }));
}

/**
 * The router's own failures, and requests Node's parser rejects, are answered before any hook runs,
 * the security headers' included, so those headers (src/http/security-headers.ts) are set here.
 */
const securityHeadersOf = (app: FastifyInstance): Readonly<Record<string, string>> => app.securityHeaderValues ?? {};

/**
 * Fastify's `frameworkErrors`: a path that is not valid percent-encoding, or a path parameter
 * longer than any id we issue, gets a Veriff-style body instead of Fastify's own.
 */
export function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const mapped =
    error.code === "FST_ERR_BAD_URL"
      ? apiError("INVALID_PARAMETER", { field: "url", detail: "is not valid percent-encoding" })
      : error.code === "FST_ERR_MAX_PARAM_LENGTH"
        ? apiError("NOT_FOUND", { what: "Resource" })
        : apiError("INTERNAL", { requestId: request.id });
  if (mapped.statusCode >= 500) request.log.error({ err: error }, "request failed");
  reply.headers({ ...securityHeadersOf(request.server), "x-request-id": request.id });
  return sendError(reply, mapped);
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser rejects (broken framing, a header
 * name with a space, conflicting Content-Length and Transfer-Encoding, oversized headers) never
 * becomes a request, so the answer is written to the socket here, as Node would, but Veriff-style.
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const mapped =
    error.code === "HPE_HEADER_OVERFLOW"
      ? apiError("HEADERS_TOO_LARGE")
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? apiError("REQUEST_TIMEOUT")
        : apiError("MALFORMED_HTTP", { detail: (error.reason ?? error.code ?? "unparseable").toString().toLowerCase() });
  this.log.debug({ err: error }, "malformed request");
  const body = JSON.stringify({ status: "fail", code: mapped.code, message: mapped.message });
  const headers = { ...securityHeadersOf(this), "cache-control": "no-store", "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" };
  if (socket.writable) {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
    socket.write(`HTTP/1.1 ${mapped.statusCode} ${STATUS_CODES[mapped.statusCode]}\r\n${lines}\r\n${body}`);
  }
  socket.destroy(error);
}

/** The one place that writes error bodies: `{"status":"fail","code","message"}` plus x-request-id. */
export function installErrorHandling(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = toApiError(error, request);
    if (mapped.statusCode >= 500) request.log.error({ err: error }, "request failed");
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((request, reply) => {
    const route = `${request.method} ${request.url.split("?")[0]}`;
    const unsupported = unsupportedEndpoint(request.method, request.url.split("?")[0]!);
    return sendError(reply, unsupported === undefined ? apiError("NOT_FOUND", { what: `Route ${route}` }) : apiError("ENDPOINT_NOT_SUPPORTED", { route, detail: unsupported }));
  });
}
