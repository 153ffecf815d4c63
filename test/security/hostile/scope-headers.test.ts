import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseControlCharactersInUrls } from "../../../src/http/control-chars.js";
import { installErrorHandling } from "../../../src/http/errors-plugin.js";
import { scopeSecurityHeaders, securityHeaders } from "../../../src/http/security-headers.js";

/**
 * The security headers are the root's first hook (issue 14, finding 5), yet a scope with pages of
 * its own (the hosted flow, which an integrator's site frames; the back-office) must be able to
 * send its own CSP and frame headers, on every answer of its routes, those the shared hooks give
 * before its own included. Fastify alone, wired as app/http.ts wires the shared plumbing, with one
 * such scope beside the JSON routes.
 */
describe("a scope's own security headers beside the root's", () => {
  const PAGE_CSP = "default-src 'self'; frame-ancestors https://shop.example";
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    securityHeaders(app, "default-src 'none'; frame-ancestors 'none'", { frameguard: { action: "deny" } });
    installErrorHandling(app);
    refuseControlCharactersInUrls(app);
    app.get("/api/thing", async () => ({ ok: true }));
    await app.register(
      async (pages) => {
        scopeSecurityHeaders(pages, { "Content-Security-Policy": PAGE_CSP, "X-Frame-Options": null });
        pages.addHook("onRequest", async (request) => {
          if (request.headers["x-refuse"]) throw new Error("refused by the scope's own hook");
        });
        pages.get("/:id", async (_request, reply) => reply.type("text/html").send("<p>page</p>"));
      },
      { prefix: "/v" },
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it("the scope's routes send its CSP and no X-Frame-Options, and keep the rest of the root's set", async () => {
    const res = await app.inject({ method: "GET", url: "/v/abc" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-security-policy"]).toBe(PAGE_CSP);
    expect(res.headers["x-frame-options"]).toBeUndefined();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("an answer a shared hook gives before the scope's own hooks run carries the scope's set too", async () => {
    const refused = await app.inject({ method: "GET", url: "/v/%00" });
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body).code).toBe("1104");
    expect(refused.headers["content-security-policy"]).toBe(PAGE_CSP);
    expect(refused.headers["x-frame-options"]).toBeUndefined();

    const failed = await app.inject({ method: "GET", url: "/v/abc", headers: { "x-refuse": "1" } });
    expect(failed.statusCode).toBe(500);
    expect(failed.headers["content-security-policy"]).toBe(PAGE_CSP);
  });

  it("routes outside the scope keep the root's policy", async () => {
    for (const url of ["/api/thing", "/api/%00", "/nothing/here"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.headers["content-security-policy"], url).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers["x-frame-options"], url).toBe("DENY");
    }
  });
});
