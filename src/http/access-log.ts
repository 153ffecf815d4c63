import { LogController, type FastifyReply, type FastifyRequest } from "fastify";

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
