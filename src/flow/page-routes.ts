import { gzipSync } from "node:zlib";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { FlowDeps } from "./deps.js";
import type { FlowAssets } from "./assets.js";
import { flowPolicy, newNonce, pageHeaders } from "./headers.js";
import { chooseLang } from "./i18n.js";
import { flowPage, messagePage } from "./pages.js";
import { progressStream } from "./progress-stream.js";
import { HANDOFF_CODE } from "./handoff-repo.js";

/** Statuses in which the person still has something to do in the flow. */
export const OPEN_IN_FLOW = ["created", "started", "resubmission_requested"];
const ENDED = ["expired", "abandoned"];
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A page is small: compressed on the fly when the browser takes gzip (a millisecond at most). */
function sendHtml(request: FastifyRequest, reply: FastifyReply, status: number, html: string) {
  reply.code(status).header("vary", "accept-encoding");
  if (/\bgzip\b/.test(request.headers["accept-encoding"] ?? "")) return reply.header("content-encoding", "gzip").send(gzipSync(html));
  return reply.send(html);
}

/**
 * GET /v/{token}: the flow, or a page that says why there is none. The token is a path segment
 * longer than the router's parameter limit, so the route is a wildcard read here: `{token}`,
 * `{token}/events` (live progress for the desktop), or a hand-off's short code, which redirects to
 * its session's flow.
 */
export const flowPageRoutes: FastifyPluginAsync<{ deps: FlowDeps; assets: FlowAssets }> = async (app, { deps, assets }) => {
  // A shutdown waits for the requests in flight: the desktops' progress streams end at once.
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => [...streams].forEach((end) => end()));
  const pageAssets = () => ({ css: assets.css, script: assets.script, doneScript: assets.doneScript });

  const plain = (request: FastifyRequest, reply: FastifyReply, status: number, title: "invalid" | "expired", lang: string) => {
    const nonce = newNonce();
    pageHeaders(reply, flowPolicy({ nonce, script: false, frameAncestors: [] }));
    return sendHtml(request, reply, status, messagePage({ lang, assets: pageAssets(), nonce, title }));
  };

  // A page that failed answers as a page, under the flow's own CSP (the app's handler answers JSON):
  // the invalid-link page, which names no reason, with the error's 4xx, else a 500 that is logged.
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, "flow page failed");
    return plain(request, reply, status, "invalid", chooseLang(undefined, null, request.headers["accept-language"]));
  });

  app.get("/v/*", async (request, reply) => {
    const path = (request.params as { "*": string })["*"];
    const [token = "", extra, ...rest] = path.split("/");
    const query = request.query as { lang?: unknown };
    const askedLang = typeof query.lang === "string" ? query.lang : undefined;
    const accept = request.headers["accept-language"];
    if (HANDOFF_CODE.test(token) && extra === undefined) {
      const redeemed = await deps.redeemHandoff(token);
      if (redeemed) return reply.code(302).header("cache-control", "no-store").header("referrer-policy", "no-referrer").redirect(`/v/${redeemed}`);
    }
    const resolved = TOKEN_SHAPE.test(token) && rest.length === 0 ? await deps.resolveToken(token) : { state: "invalid" as const };
    if (resolved.state !== "valid") {
      return plain(request, reply, resolved.state === "expired" ? 410 : 404, resolved.state === "expired" ? "expired" : "invalid", chooseLang(askedLang, null, accept));
    }
    const session = resolved.session;
    const lang = chooseLang(askedLang, session.lang, accept);
    if (extra === "events") return progressStream(request, reply, deps, session, streams);
    if (extra !== undefined) return plain(request, reply, 404, "invalid", lang);
    if (ENDED.includes(session.status)) return plain(request, reply, 410, "expired", lang);

    const nonce = newNonce();
    if (!OPEN_IN_FLOW.includes(session.status)) {
      pageHeaders(reply, flowPolicy({ nonce, script: assets.doneScript !== null, frameAncestors: session.integration.frameAncestors }));
      return sendHtml(request, reply, 200, messagePage({ lang, assets: pageAssets(), nonce, title: "done", name: session.integration.name, link: session.callbackUrl }));
    }
    pageHeaders(reply, flowPolicy({ nonce, script: true, frameAncestors: session.integration.frameAncestors }));
    const html = flowPage({ lang, assets: pageAssets(), nonce, session, apiBase: "/flow/api", pageUrl: pageUrl(deps, token) });
    return sendHtml(request, reply, 200, html);
  });
};

const pageUrl = (deps: FlowDeps, token: string) => `${deps.publicUrl}/v/${token}`;
