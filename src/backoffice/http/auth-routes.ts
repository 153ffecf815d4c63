import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import QRCode from "qrcode";
import type { BackofficeDeps } from "../deps.js";
import { Refusal } from "../errors.js";
import { codePage, enrolPage, loginPage } from "../pages/login.js";
import { accountPage } from "../pages/account.js";
import { LONGEST_LOGIN_MS } from "../accounts.js";
import { LOGIN_COOKIE, PRELOGIN_COOKIE, cookie } from "./cookies.js";
import { pageContext, sendPage } from "./scope.js";

type Form = Record<string, string | undefined>;
const field = (request: FastifyRequest, name: string) => String((request.body as Form | undefined)?.[name] ?? "");

/** Log in (password, then code or enrolment), log out, and turn on a second factor. */
export async function authRoutes(app: FastifyInstance, deps: BackofficeDeps): Promise<void> {
  const secure = deps.secureCookies;
  const setLogin = (token: string) => cookie(LOGIN_COOKIE, token, { secure, maxAgeSeconds: LONGEST_LOGIN_MS / 1000 });
  const clearLogin = cookie(LOGIN_COOKIE, "", { secure, maxAgeSeconds: 0 });

  const enrolment = async (request: FastifyRequest, fresh: boolean) => {
    const login = request.backoffice!.login!;
    const current = (!fresh && (await deps.accounts.pendingEnrolment(login))) || (await deps.accounts.beginEnrolment(login));
    return { ...current, qrSvg: await QRCode.toString(current.uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" }) };
  };

  app.get("/", { config: { access: "public" } }, async (request, reply) => reply.redirect(request.backoffice!.login ? "/admin/queue" : "/admin/login", 303));

  app.get("/login", { config: { access: "public" } }, async (request, reply) => {
    const state = request.backoffice!;
    if (state.login?.stage === "full") return reply.redirect("/admin/queue", 303);
    // The login form's CSRF token is bound to a random cookie of this browser.
    if (!state.cookies[PRELOGIN_COOKIE]) {
      state.cookies[PRELOGIN_COOKIE] = randomBytes(24).toString("base64url");
      reply.header("set-cookie", cookie(PRELOGIN_COOKIE, state.cookies[PRELOGIN_COOKIE], { secure }));
    }
    state.login = undefined;
    return sendPage(reply, loginPage(pageContext(request, deps)));
  });

  app.post("/login", { config: { access: "public" } }, async (request, reply) => {
    try {
      const { token, stage } = await deps.accounts.logIn(field(request, "email"), field(request, "password"));
      reply.header("set-cookie", setLogin(token));
      return reply.redirect(stage === "full" ? "/admin/queue" : stage === "enrol" ? "/admin/enrol" : "/admin/login/code", 303);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      request.backoffice!.login = undefined;
      return sendPage(reply, loginPage(pageContext(request, deps), error.message), error.status);
    }
  });

  app.get("/login/code", { config: { access: "second-factor" } }, async (request, reply) => sendPage(reply, codePage(pageContext(request, deps))));

  app.post("/login/code", { config: { access: "second-factor" } }, async (request, reply) => {
    try {
      const token = await deps.accounts.secondFactor(request.backoffice!.login!, field(request, "code"));
      reply.header("set-cookie", setLogin(token));
      return reply.redirect("/admin/queue", 303);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      if (error.refusal === "LOCKED") {
        reply.header("set-cookie", clearLogin);
        request.backoffice!.login = undefined;
        return sendPage(reply, loginPage(pageContext(request, deps), error.message), error.status);
      }
      return sendPage(reply, codePage(pageContext(request, deps), error.message), error.status);
    }
  });

  app.get("/enrol", { config: { access: "enrol" } }, async (request, reply) => {
    const login = request.backoffice!.login!;
    return sendPage(reply, enrolPage(pageContext(request, deps), await enrolment(request, true), login.reviewer.role === "admin"));
  });

  app.post("/enrol", { config: { access: "enrol" } }, async (request, reply) => {
    const login = request.backoffice!.login!;
    try {
      const token = await deps.accounts.confirmEnrolment(login, field(request, "code"));
      reply.header("set-cookie", setLogin(token));
      return reply.redirect("/admin/queue?done=totp", 303);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return sendPage(reply, enrolPage(pageContext(request, deps), await enrolment(request, false), login.reviewer.role === "admin", error.message), error.status);
    }
  });

  app.get("/account", { config: { access: "member" } }, async (request, reply) => sendPage(reply, accountPage(pageContext(request, deps), request.backoffice!.login!.reviewer)));

  app.post("/logout", { config: { access: "public" } }, async (request, reply) => {
    const login = request.backoffice!.login;
    if (login) await deps.accounts.logOut(login);
    reply.header("set-cookie", clearLogin);
    return reply.redirect("/admin/login", 303);
  });
}
