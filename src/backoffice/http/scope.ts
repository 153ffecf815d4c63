import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../../errors.js";
import type { CurrentLogin } from "../accounts.js";
import type { BackofficeDeps } from "../deps.js";
import { Refusal, refuse } from "../errors.js";
import { refusalPage } from "../pages/login.js";
import type { PageContext } from "../pages/layout.js";
import { type ReviewerActor, actorOf } from "../review.js";
import { LOGIN_COOKIE, installCookies } from "./cookies.js";
import { csrfToken, installCsrf, isCsrfRefusal } from "./csrf.js";
import type { Door } from "./door.js";

/**
 * Who may reach a route: anyone (the login form), a login half-way (password given, code or
 * enrolment to come), any reviewer, or administrators only.
 */
export type Access = "public" | "second-factor" | "enrol" | "member" | "admin";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    backoffice: { login: CurrentLogin | undefined; csrf: () => string } | null;
  }
}

/** The back-office's page headers: a strict CSP (no inline script or style at all), never framed, never cached. */
export const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
} as const;

export const scriptPresent = { value: false };

export function pageContext(request: FastifyRequest, door: Door): PageContext {
  const state = request.backoffice;
  const login = state?.login;
  return {
    ...(login?.stage === "full" ? { reviewer: { email: login.reviewer.email, role: login.reviewer.role } } : {}),
    csrf: state ? state.csrf() : "",
    path: request.url.split("?")[0] ?? "",
    script: scriptPresent.value,
    adminPath: door.adminPath,
  };
}

/** The acting reviewer of a full login (routes marked member or admin always have one). */
export function actor(request: FastifyRequest): ReviewerActor {
  const login = request.backoffice?.login;
  if (!login || login.stage !== "full") throw refuse("NOT_LOGGED_IN");
  return actorOf(login.reviewer);
}

const STAGE_HOME: Record<string, string> = { "second-factor": "login/code", enrol: "enrol", full: "queue" };

/** Headers, cookies, login, CSRF and access for every route of the scope. */
export async function installScope(app: FastifyInstance, deps: BackofficeDeps, door: Door): Promise<void> {
  app.decorateRequest("backoffice", null);
  await installCookies(app, deps.keys);
  await installCsrf(app);
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 32_768 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.headers(PAGE_HEADERS);
    request.backoffice = { login: await deps.accounts.current(request.cookies[LOGIN_COOKIE]), csrf: () => csrfToken(door, request, reply) };
  });

  app.addHook("preHandler", async (request, reply) => {
    const state = request.backoffice!;
    const access = request.routeOptions.config.access ?? "admin";
    if (access === "public") return;
    const stage = state.login?.stage;
    const allowed =
      access === "second-factor" ? stage === "second-factor" : access === "enrol" ? stage === "enrol" || stage === "full" : stage === "full";
    if (!allowed) {
      if (request.method !== "GET") throw refuse("NOT_LOGGED_IN");
      return reply.redirect(door.adminPath(stage ? STAGE_HOME[stage]! : "login"), 303);
    }
    // The menu hides admin pages; this refuses them by URL too (and the services check again).
    if (access === "admin" && actor(request).role !== "admin") throw refuse("FORBIDDEN");
  });

  app.setErrorHandler(async (thrown, request, reply) => {
    const error = isCsrfRefusal(thrown) ? refuse("CSRF") : thrown;
    if (error instanceof Refusal) return reply.code(error.status).type("text/html; charset=utf-8").send(refusalPage(pageContext(request, door), error.status, error.message));
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // The services' own refusals (ApiError: a delivery whose body was erased) say what happened.
      const message = error instanceof ApiError ? error.message : "The request could not be read.";
      return reply.code(status).type("text/html; charset=utf-8").send(refusalPage(pageContext(request, door), status, message));
    }
    request.log.error({ err: error }, "back-office error");
    return reply.code(500).type("text/html; charset=utf-8").send(refusalPage(pageContext(request, door), 500, `Something went wrong on our side (reference ${request.id}).`));
  });

  const notFound = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(PAGE_HEADERS);
    return reply.code(404).type("text/html; charset=utf-8").send(refusalPage(pageContext(request, door), 404, "There is no such page."));
  };
  // At the root of its own port the port's not-found handler is already set: a catch-all route is ours instead.
  if (door.prefix === "/") app.all("/*", { config: { access: "public" } }, notFound);
  else app.setNotFoundHandler(notFound);
}

export const sendPage = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type("text/html; charset=utf-8").send(body);
