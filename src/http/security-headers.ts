import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

declare module "fastify" {
  interface FastifyInstance {
    /** The headers every response carries, for the answers written outside the hooks (src/http/errors-plugin.ts). */
    securityHeaderValues: Readonly<Record<string, string>>;
  }
}

/**
 * Helmet's response headers, worked out once at boot and set on every reply. @fastify/helmet runs
 * helmet's middleware factory on every request (its CSP directives parsed and validated again each
 * time) for headers that never change here: no directive depends on the request.
 *
 * `csp` is the Content-Security-Policy exactly as sent: helmet's own would merge its defaults for
 * HTML pages (script-src, style-src, upgrade-insecure-requests…) into a JSON API's policy (issue 14,
 * finding 5). Call this before any other onRequest hook, so that an answer one of them gives (a
 * refused URL, a missing key) carries the headers too.
 */
export function securityHeaders(app: FastifyInstance, csp: string, options: Readonly<HelmetOptions>): void {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet({ ...options, contentSecurityPolicy: false })({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  headers["content-security-policy"] = csp;
  app.decorate("securityHeaderValues", Object.freeze({ ...headers }));
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
