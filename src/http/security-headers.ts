import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

declare module "fastify" {
  interface FastifyInstance {
    /**
     * The security headers the answers of this scope carry (the root's set unless a scope replaced
     * some with scopeSecurityHeaders), for the first hook and for the answers written outside the
     * hooks (src/http/errors-plugin.ts).
     */
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
 * refused URL, a missing key) carries the headers too. The hook sets the set of the scope the
 * request was routed to (`request.server`), so a scope with a policy of its own has it on every
 * answer, those given by the shared hooks before its own included.
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
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(request.server.securityHeaderValues);
    done();
  });
}

/**
 * A scope's own security headers (the hosted flow's pages, which a Veriff InContext integration
 * frames, or the back-office): each one given replaces the root's in `scope`, an encapsulated
 * plugin, and the scopes under it; null leaves that header out (X-Frame-Options where CSP
 * frame-ancestors says who may frame). The routes outside `scope` keep the root's set.
 */
export function scopeSecurityHeaders(scope: FastifyInstance, replaced: Readonly<Record<string, string | null>>): void {
  const headers: Record<string, string> = { ...scope.securityHeaderValues };
  for (const [name, value] of Object.entries(replaced)) {
    if (value === null) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  scope.decorate("securityHeaderValues", Object.freeze(headers));
}
