import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";

/**
 * One access-log line per request, written when the response is done: method, url, client, status
 * and time, under the request id. Fastify's own controller writes two per request ("incoming
 * request" and "request completed"), each one more serialisation and one more write on the hot
 * path; errors and Fastify's other lines are left as they are.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
  }
}

/** The hosted flow's address carries the session token: a bearer credential, never written to a log. */
const TOKEN_PATH = /^(\/v\/)[^/?#]+/;

/**
 * What a request looks like in the log: no header at all, so no API key, signature, cookie or
 * authorization can reach it, and the session token of a hosted-flow address is cut out. Secrets stay
 * out by construction rather than by pino's `redact`, which copies every logged object to blank paths
 * in it: that cost about a quarter of the main thread's time per session created.
 */
function requestForLog(request: FastifyRequest) {
  const url = typeof request.url === "string" && request.url.startsWith("/v/") ? request.url.replace(TOKEN_PATH, "$1[token]") : request.url;
  return { method: request.method, url, host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

export function loggerOptions(level: string): NonNullable<FastifyServerOptions["logger"]> {
  return { level, serializers: { req: requestForLog } };
}
