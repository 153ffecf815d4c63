import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/**
 * Helmet's response headers, worked out once at boot and set on every reply. @fastify/helmet runs
 * helmet's middleware factory on every request (its CSP directives parsed and validated again each
 * time) for headers that never change here: no directive depends on the request.
 */
export function securityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
