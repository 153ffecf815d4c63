import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { expectFail, rawRequest, sign } from "../support/client.js";
import { repoRoot } from "../support/built-cli.js";

const SIGNING = 'see the README, section "Signing requests and verifying webhooks"';
const COMPATIBILITY = `the README's "Veriff API compatibility" table lists what is served`;

/** Errors an integrator meets in the first hour say how to fix them, and the README sections they name exist. */
describe(`error messages that say how to fix the request (${storeKind})`, () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sessionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    sessionId = (await shop.api.createSession({})).body.verification.id;
  });
  afterAll(() => server.close());

  it("names README sections that exist", () => {
    const readme = readFileSync(`${repoRoot}/README.md`, "utf8");
    expect(readme).toMatch(/^## Signing requests and verifying webhooks$/m);
    expect(readme).toMatch(/^## Veriff API compatibility$/m);
  });

  it("1819: a body signed as re-serialised JSON is told to sign the exact bytes sent", async () => {
    const sent = '{ "verification": { "status": "submitted" } }';
    const res = await shop.api.request("PATCH", `/v1/sessions/${sessionId}`, { body: sent, headers: { "x-hmac-signature": sign(shop.sharedSecret, JSON.stringify(JSON.parse(sent))) } });
    expectFail(res, 401, "1819", "does not match the HMAC-SHA256 of the request body: sign the exact bytes sent");
    expect(res.body.message).toContain(SIGNING);
  });

  it("1812: a missing or malformed signature is told what to sign, for the route", async () => {
    const body = await shop.api.request("PATCH", `/v1/sessions/${sessionId}`, { body: { verification: { status: "submitted" } }, signOver: false });
    expectFail(body, 401, "1812", "of the exact request body bytes sent");
    expect(body.body.message).toContain(SIGNING);
    const id = await shop.api.request("GET", `/v1/sessions/${sessionId}/decision`, { headers: { "x-hmac-signature": "sha256=abc" } });
    expectFail(id, 401, "1812", "keyed with the shared secret, of the session id;");
    const query = await shop.api.request("GET", "/v1/sessions?limit=1", { signOver: false });
    expectFail(query, 401, "1820", "This endpoint is an EarthID extension");
    expect(query.body.message).toContain(SIGNING);
  });

  it("1903 names the content type that arrived", async () => {
    const body = '{"verification":{}}';
    expectFail(await shop.api.request("POST", "/v1/sessions", { body, signOver: false, contentType: "text/plain; charset=utf-8" }), 415, "1903", 'Content-Type must be application/json, got "text/plain; charset=utf-8"');
    // fetch would add text/plain to a string body: the raw request sends no Content-Type at all.
    const bare = await rawRequest(server.url, { method: "POST", path: "/v1/sessions", headers: { "x-auth-client": shop.apiKey, "content-length": String(body.length) }, body });
    expectFail(bare, 415, "1903", "got no Content-Type header");
    const long = `application/${"x".repeat(300)}`;
    const res = await shop.api.request("POST", "/v1/sessions", { body, signOver: false, contentType: long });
    expectFail(res, 415, "1903", `got "application/${"x".repeat(88)}…"`);
  });

  it("a Veriff endpoint we do not serve says so and which it is, with route-not-found's code", async () => {
    const watchlist = await shop.api.request("GET", `/v1/sessions/${sessionId}/watchlist-screening`, { signOver: sessionId });
    expectFail(watchlist, 404, "1901", `Route GET /v1/sessions/${sessionId}/watchlist-screening not found: EarthID Verify does not support this endpoint (Veriff's watchlist screening (AML), not served yet)`);
    expect(watchlist.body.message).toContain(COMPATIBILITY);
    const collected = await shop.api.request("POST", `/v1/sessions/${sessionId}/collected-data`, { body: {} });
    expectFail(collected, 404, "1901", "(Veriff's collected data upload, not served yet)");
    expectFail(await shop.api.request("POST", "/v1/sessions/validate-registry", { body: {} }), 404, "1901", "(Veriff's registry validation, not served yet)");
  });

  it("any other API path or method says the endpoint is not supported; a path outside the API is a bare 404", async () => {
    const unknown = await shop.api.request("GET", "/earthid/api/sessions/abc/selfie?x=1", { signOver: false });
    expectFail(unknown, 404, "1901", "Route GET /earthid/api/sessions/abc/selfie not found: EarthID Verify does not support this endpoint;");
    expect(unknown.body.message).toContain(COMPATIBILITY);
    expectFail(await shop.api.request("PUT", "/v1/sessions", { body: "{}", signOver: false }), 404, "1901", "Route PUT /v1/sessions not found: EarthID Verify does not support this endpoint");
    const outside = await shop.api.request("GET", "/v1x/sessions", { signOver: false });
    expectFail(outside, 404, "1901", "Route GET /v1x/sessions not found");
    expect(outside.body.message).not.toContain("does not support");
  });
});
