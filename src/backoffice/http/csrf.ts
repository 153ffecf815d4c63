import fastifyCsrf from "@fastify/csrf-protection";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CSRF_COOKIE, cookieOptions } from "./cookies.js";
import type { Door } from "./door.js";

/**
 * CSRF through @fastify/csrf-protection: a secret per browser in a signed HttpOnly cookie, and in
 * every form a token made from it. A page of another site can make the browser send the cookie
 * (SameSite=Strict already stops most of it) but can neither read it nor compute a token. The
 * secret is the browser's, not the server's: a restart or a key rotation leaves open forms valid.
 */
export async function installCsrf(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    // How the plugin reads the secret back. Where the cookie goes and how it is marked are the
    // request's (Secure depends on it): csrfToken hands cookieOptions() in when the cookie is set.
    cookieOpts: { signed: true },
    // Forms only: the back-office has no API that would send it as a header.
    getToken: (request) => {
      const given = (request.body as Record<string, unknown> | undefined)?._csrf;
      return typeof given === "string" ? given : undefined;
    },
  });
  // Every state-changing request (the back-office's are all POST forms) is checked before its route's access.
  app.addHook("preHandler", (request, reply, done) => (request.method === "POST" ? app.csrfProtection(request, reply, done) : done()));
}

/** The token for this page's forms; the first page a browser sees also sets its secret. */
export const csrfToken = (door: Door, request: FastifyRequest, reply: FastifyReply): string => reply.generateCsrf(cookieOptions(door, request));

/** The plugin's refusals (no secret cookie, a token that does not match it). */
export const isCsrfRefusal = (error: unknown) => /^FST_CSRF_/.test(String((error as { code?: unknown }).code ?? ""));
