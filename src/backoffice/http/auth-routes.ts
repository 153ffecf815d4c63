import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import QRCode from "qrcode";
import type { BackofficeDeps } from "../deps.js";
import { Refusal } from "../errors.js";
import { codePage, enrolPage, loginPage } from "../pages/login.js";
import { accountPage } from "../pages/account.js";
import { LONGEST_LOGIN_MS } from "../accounts.js";
import { CSRF_COOKIE, LOGIN_COOKIE, cookieOptions } from "./cookies.js";
import type { Door } from "./door.js";
import { pageContext, sendPage } from "./scope.js";

type Form = Record<string, string | undefined>;
const field = (request: FastifyRequest, name: string) => String((request.body as Form | undefined)?.[name] ?? "");

/** Log in (password, then code or enrolment), log out, and turn on a second factor. */
export async function authRoutes(app: FastifyInstance, { deps, door }: { deps: BackofficeDeps; door: Door }): Promise<void> {
  const { adminPath } = door;
  // Each step of a login, and its end, also drops the CSRF secret: the page the redirect leads to
  // makes a new one, so that none outlives the login it was used with.
  const dropCsrf = (request: FastifyRequest, reply: FastifyReply) => reply.clearCookie(CSRF_COOKIE, cookieOptions(door, request));
  const setLogin = (request: FastifyRequest, reply: FastifyReply, token: string) =>
    dropCsrf(request, reply).setCookie(LOGIN_COOKIE, token, { ...cookieOptions(door, request), maxAge: LONGEST_LOGIN_MS / 1000 });
  const clearLogin = (request: FastifyRequest, reply: FastifyReply) => reply.clearCookie(LOGIN_COOKIE, cookieOptions(door, request));

  const enrolment = async (request: FastifyRequest, fresh: boolean) => {
    const login = request.backoffice!.login!;
    const current = (!fresh && (await deps.accounts.pendingEnrolment(login))) || (await deps.accounts.beginEnrolment(login));
    return { ...current, qrSvg: await QRCode.toString(current.uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" }) };
  };

  app.get("/", { config: { access: "public" } }, async (request, reply) => reply.redirect(adminPath(request.backoffice!.login ? "queue" : "login"), 303));

  app.get("/login", { config: { access: "public" } }, async (request, reply) => {
    const state = request.backoffice!;
    if (state.login?.stage === "full") return reply.redirect(adminPath("queue"), 303);
    state.login = undefined;
    return sendPage(reply, loginPage(pageContext(request, door)));
  });

  app.post("/login", { config: { access: "public" } }, async (request, reply) => {
    try {
      const { token, stage } = await deps.accounts.logIn(field(request, "email"), field(request, "password"));
      setLogin(request, reply, token);
      return reply.redirect(adminPath(stage === "full" ? "queue" : stage === "enrol" ? "enrol" : "login/code"), 303);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      request.backoffice!.login = undefined;
      return sendPage(reply, loginPage(pageContext(request, door), error.message), error.status);
    }
  });

  app.get("/login/code", { config: { access: "second-factor" } }, async (request, reply) => sendPage(reply, codePage(pageContext(request, door))));

  app.post("/login/code", { config: { access: "second-factor" } }, async (request, reply) => {
    try {
      const token = await deps.accounts.secondFactor(request.backoffice!.login!, field(request, "code"));
      setLogin(request, reply, token);
      return reply.redirect(adminPath("queue"), 303);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (error.refusal === "LOCKED") {
        clearLogin(request, reply);
        request.backoffice!.login = undefined;
        return sendPage(reply, loginPage(pageContext(request, door), error.message), error.status);
      }
      return sendPage(reply, codePage(pageContext(request, door), error.message), error.status);
    }
  });

  app.get("/enrol", { config: { access: "enrol" } }, async (request, reply) => {
    const login = request.backoffice!.login!;
    return sendPage(reply, enrolPage(pageContext(request, door), await enrolment(request, true), login.reviewer.role === "admin"));
  });

  app.post("/enrol", { config: { access: "enrol" } }, async (request, reply) => {
    const login = request.backoffice!.login!;
    try {
      const token = await deps.accounts.confirmEnrolment(login, field(request, "code"));
      setLogin(request, reply, token);
      return reply.redirect(adminPath("queue?done=totp"), 303);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return sendPage(reply, enrolPage(pageContext(request, door), await enrolment(request, false), login.reviewer.role === "admin", error.message), error.status);
    }
  });

  app.get("/account", { config: { access: "member" } }, async (request, reply) => sendPage(reply, accountPage(pageContext(request, door), request.backoffice!.login!.reviewer)));

  app.post("/logout", { config: { access: "public" } }, async (request, reply) => {
    const login = request.backoffice!.login;
    if (login) await deps.accounts.logOut(login);
    clearLogin(request, reply);
    dropCsrf(request, reply);
    return reply.redirect(adminPath("login"), 303);
  });
}
