import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { lifecycle } from "../lifecycle/helpers.js";

const DAY = 86_400;

/** The flow's pages as a browser (or a link checker) fetches them: what they say, and their headers. */
describe(`GET /v/{sessionToken} (${storeKind})`, () => {
  let server: TestServer;
  let shop: TestIntegration;
  let other: TestIntegration;
  const tokens = () => server.services.tokens;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "Demo Shop", callbackUrl: "https://shop.example/back", frameAncestors: "https://shop.example, http://localhost:3000" });
    other = await server.integration({ name: "Other" });
  });
  afterAll(() => server.close());

  async function session(integration = shop, verification: Record<string, unknown> = {}) {
    const created = await integration.api.createSession(verification);
    expect(created.status, created.text).toBe(201);
    return created.body.verification as { id: string; sessionToken: string };
  }
  const open = (token: string, headers: Record<string, string> = {}, query = "") => fetch(`${server.url}/v/${token}${query}`, { headers });
  const directives = (csp: string | null) => Object.fromEntries((csp ?? "").split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

  it("serves the flow with its own strict policy: our script by nonce only, nothing from elsewhere", async () => {
    const { sessionToken } = await session();
    const res = await open(sessionToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    const csp = directives(res.headers.get("content-security-policy"));
    const nonce = /<script type="module" nonce="([^"]+)" src="\/flow\/assets\/flow\.[0-9a-f]+\.js"><\/script>/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    expect(csp["script-src"]).toEqual([`'nonce-${nonce}'`]);
    expect(csp["default-src"]).toEqual(["'none'"]);
    expect(csp["style-src"]).toEqual([`'nonce-${nonce}'`]);
    expect(res.headers.get("content-security-policy")).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(csp["frame-ancestors"]).toEqual(["https://shop.example", "http://localhost:3000"]);
    expect(res.headers.get("x-frame-options")).toBeNull();
    expect(res.headers.get("permissions-policy")).toMatch(/(^|, )camera=\(self\)/);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    // No inline script that runs, no inline style, and every address our own.
    expect(html.match(/<script(?![^>]*type="application\/json")(?![^>]*nonce=)[^>]*>/g)).toBeNull();
    expect(html).not.toMatch(/ style=/);
    expect(html.match(/<style[^>]*>/g)).toEqual([`<style nonce="${nonce}">`]);
    for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url, url).toMatch(/^(\/flow\/assets\/|data:,$|https:\/\/shop\.example\/back$|http:\/\/localhost:\d+\/v\/)/);
    // A new nonce per response.
    const again = directives((await open(sessionToken)).headers.get("content-security-policy"));
    expect(again["script-src"]).not.toEqual(csp["script-src"]);
  });

  it("serves the bundle from our origin, compressed, cacheable forever under a hashed name", async () => {
    const html = await (await open((await session()).sessionToken)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/flow\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets).toHaveLength(1);
    for (const asset of assets) {
      const res = await fetch(`${server.url}${asset}`, { headers: { "accept-encoding": "br" } });
      expect(res.status, asset).toBe(200);
      expect(res.headers.get("cache-control")).toContain("immutable");
      expect(res.headers.get("content-encoding")).toBe("br");
      expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${server.url}/flow/assets/flow.0000000000.js`)).status).toBe(404);
  });

  it("allows no framing when the integration listed no origin", async () => {
    const res = await open((await session(other)).sessionToken);
    expect(directives(res.headers.get("content-security-policy"))["frame-ancestors"]).toEqual(["'none'"]);
  });

  it("answers a tampered, unknown, foreign or malformed token with one plain page that leaks nothing", async () => {
    const { id, sessionToken } = await session();
    const flipped = sessionToken.slice(0, -4) + (sessionToken.endsWith("AAAA") ? "BBBB" : "AAAA");
    const unknown = tokens().sign({ sessionId: crypto.randomUUID(), integrationId: shop.id, iat: Math.floor(Date.now() / 1000) });
    // Signed by us, but naming another integration than the session's.
    const foreign = tokens().sign({ sessionId: id, integrationId: other.id, iat: Math.floor(Date.now() / 1000) });
    const bodies = new Set<string>();
    for (const token of [flipped, unknown, foreign, "not-a-token", `${sessionToken}/whatever`]) {
      const res = await open(token);
      expect(res.status, token).toBe(404);
      const html = await res.text();
      expect(html).toContain("This link does not work");
      expect(html).not.toContain(token.split("/")[0]!.slice(-20));
      expect(html).not.toContain(id);
      expect(html).not.toMatch(/signature|expired|jwt|session/i);
      expect(res.headers.get("content-security-policy")).toContain("script-src 'none'");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      // The same page every time but for its nonce.
      bodies.add(html.replace(/nonce="[^"]+"/g, 'nonce=""'));
    }
    expect(bodies.size).toBe(1);
  });

  it("says so when the token has expired", async () => {
    const { id } = await session();
    const expired = tokens().sign({ sessionId: id, integrationId: shop.id, iat: Math.floor(Date.now() / 1000) - 8 * DAY });
    const res = await open(expired);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("This link has expired");
  });

  it("tells a person whose session was submitted that there is nothing more to do, with the way back", async () => {
    const { id, sessionToken } = await session();
    expect((await lifecycle(shop).submit(id)).status).toBe(200);
    const res = await open(sessionToken);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Nothing more to do");
    expect(html).toContain('<a class="button primary" data-action="finish" href="https://shop.example/back">Continue to Demo Shop</a>');
    // No bundle: only the few inlined lines that tell a framing incontext SDK, under the page's nonce.
    expect(html).not.toContain("/flow/assets/");
    const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    expect(html).toContain(`<script type="module" nonce="${nonce}">`);
    expect(html).toContain("VERIFF_HANDSHAKE");
  });

  it("speaks ?lang=, then the session's lang, then Accept-Language; Arabic right to left", async () => {
    const { sessionToken } = await session(shop, { lang: "de" });
    expect(await (await open(sessionToken)).text()).toMatch(/<html lang="de" dir="ltr">[\s\S]*Identität bestätigen/);
    expect(await (await open(sessionToken, {}, "?lang=ar")).text()).toMatch(/<html lang="ar" dir="rtl">[\s\S]*تحقّق من هويتك/);
    const plain = (await session()).sessionToken;
    expect(await (await open(plain, { "accept-language": "fr-CH, fr;q=0.9, en;q=0.8" })).text()).toMatch(/<html lang="fr"/);
    expect(await (await open(plain, { "accept-language": "pt-BR" })).text()).toMatch(/<html lang="en"/);
  });

  it("locks the document type and country the session named", async () => {
    const html = await (await open((await session(shop, { document: { type: "PASSPORT", country: "ee" } })).sessionToken)).text();
    expect(html).toMatch(/value="PASSPORT" checked>/);
    expect(html).toMatch(/value="ID_CARD" disabled>/);
    expect(html).toMatch(/<select id="country"[^>]* disabled>/);
    expect(html).toContain('<option value="EE" selected>');
  });

  it("redirects a hand-off's short code to its session's flow; a code never issued gets the plain page", async () => {
    const { sessionToken } = await session();
    const created = await fetch(`${server.url}/flow/api/handoff`, { method: "POST", headers: { authorization: `Bearer ${sessionToken}` } });
    expect(created.status).toBe(201);
    const { url, qrCode } = (await created.json()) as { url: string; qrCode: string };
    const code = /\/v\/([A-HJ-NP-Z2-9]{10})$/.exec(url)?.[1];
    expect(code).toBeDefined();
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const redirected = await fetch(`${server.url}/v/${code}`, { redirect: "manual" });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("location")).toBe(`/v/${sessionToken}`);
    const unknown = await fetch(`${server.url}/v/${code === "ABCDEFGHJK" ? "ABCDEFGHJM" : "ABCDEFGHJK"}`, { redirect: "manual" });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("This link does not work");
  });

  it("never writes the integration's name as markup", async () => {
    const hostile = await server.integration({ name: `</script><img src=x onerror=alert(1)>` });
    const html = await (await open((await session(hostile)).sessionToken)).text();
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("\\u003c/script>\\u003cimg");
  });
});
