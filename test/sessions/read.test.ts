import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { expectFail, rawRequest, sign, stampRequest } from "../support/client.js";

describe("GET /earthid/api/sessions/{id}: reading a session back", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let rival: TestIntegration;
  let created: { id: string; body: unknown };
  let missingBody: unknown;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    rival = await server.integration({ name: "rival" });
    const res = await shop.api.createSession({ vendorData: "customer-31", person: { firstName: "Juhan", lastName: "Tamm" } });
    created = { id: res.body.verification.id, body: res.body };
    missingBody = (await shop.api.getSession(crypto.randomUUID())).body;
  });
  afterAll(() => server.close());

  describe("the happy path", () => {
    it("answers 200 with the creation envelope, under both prefixes", async () => {
      const read = await shop.api.getSession(created.id);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      const v1 = await shop.api.request("GET", `/v1/sessions/${created.id}`, { stamp: true });
      expect(v1.status).toBe(200);
      expect(v1.body).toEqual(created.body);
    });

    it("answers vendorData null for a session created without it", async () => {
      const id = (await shop.api.createSession({})).body.verification.id as string;
      const read = await shop.api.getSession(id);
      expect(read.body.verification).toMatchObject({ id, vendorData: null, status: "created" });
    });

    it("accepts the signature in upper-case hex", async () => {
      const stamp = stampRequest(shop.sharedSecret, "GET", `/earthid/api/sessions/${created.id}`);
      const res = await shop.api.getSession(created.id, { stamp: undefined, headers: { "x-earthid-signature": stamp.replace(/v1=(\w+)/, (_, hex: string) => `v1=${hex.toUpperCase()}`) } });
      expect(res.status).toBe(200);
    });

    it("finds the session when the id is sent in capitals (signed as sent)", async () => {
      const upper = created.id.toUpperCase();
      const res = await shop.api.getSession(upper);
      expect(res.status).toBe(200);
      expect(res.body.verification.id).toBe(created.id);
    });

    it("signs the response over its exact bytes, with vrf- aliases, and forbids caching", async () => {
      const res = await shop.api.getSession(created.id);
      expect(res.headers.get("x-auth-client")).toBe(shop.apiKey);
      expect(res.headers.get("vrf-auth-client")).toBe(shop.apiKey);
      expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
      expect(res.headers.get("vrf-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
      expect(res.headers.get("cache-control")).toBe("no-store");
    });
  });

  describe("the timestamped signature: an EarthID extension (issue 14, finding 3)", () => {
    const path = () => `/earthid/api/sessions/${created.id}`;
    const now = () => Math.floor(Date.now() / 1000);

    it("refuses Veriff's signature over the id: it signs neither the method nor the time, so it would serve forever (401 1820)", async () => {
      const res = await shop.api.getSession(created.id, { stamp: undefined, signOver: created.id });
      expectFail(res, 401, "1820", "X-HMAC-SIGNATURE alone was sent");
      expect(res.body.message).toContain('"<t>.<METHOD>.<path?query>.<body>"');
      expect(res.body.message).toContain("Signing requests and verifying webhooks");
      expectFail(await shop.api.getSession(created.id, { stamp: undefined }), 401, "1820", "is missing");
    });

    it("refuses a signature more than 5 minutes old or ahead, even a right one (a replay)", async () => {
      expectFail(await shop.api.getSession(created.id, { stamp: { t: now() - 301 } }), 401, "1820", "from the server's clock (at most 300)");
      expectFail(await shop.api.getSession(created.id, { stamp: { t: now() + 301 } }), 401, "1820", "from the server's clock");
      expect((await shop.api.getSession(created.id, { stamp: { t: now() - 240 } })).status).toBe(200);
    });

    it("refuses a signature made for another method, path or query (a DELETE's cannot read, a read's cannot delete)", async () => {
      const stamped = (method: string, target: string) => ({ stamp: undefined, headers: { "x-earthid-signature": stampRequest(shop.sharedSecret, method, target) } });
      expectFail(await shop.api.getSession(created.id, stamped("DELETE", path())), 401, "1820", "does not match");
      expectFail(await shop.api.getSession(created.id, stamped("GET", `/v1/sessions/${created.id}`)), 401, "1820", "does not match");
      expectFail(await shop.api.getSession(created.id, stamped("GET", `${path()}?x=1`)), 401, "1820", "does not match");
      expectFail(await shop.api.getSession(created.id, { stamp: undefined, headers: { "x-earthid-signature": "v1=00" } }), 401, "1820", "is not t=<unix seconds>");
    });

    it("must be made with the caller's own secret", async () => {
      expectFail(await shop.api.getSession(created.id, { stamp: { secret: rival.sharedSecret } }), 401, "1820", "does not match");
    });

    it("is checked after the key: unknown key 1803 even with a good signature", async () => {
      expectFail(await shop.api.getSession(created.id, { apiKey: crypto.randomUUID() }), 401, "1803", "API key");
    });
  });

  describe("ids that are not ours to show", () => {
    it("answers a missing id with 404 1901, signed", async () => {
      const res = await shop.api.getSession(crypto.randomUUID());
      expectFail(res, 404, "1901", "Session not found");
      expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
    });

    it("answers another integration's session exactly like a missing one", async () => {
      const res = await rival.api.getSession(created.id);
      const missing = await rival.api.getSession(crypto.randomUUID());
      expectFail(res, 404, "1901", "Session not found");
      expect(res.status).toBe(missing.status);
      expect(res.body).toEqual(missing.body);
      expect(res.text).not.toContain("customer-31");
    });

    it.each([["not-a-uuid"], ["12345"], [`${"a".repeat(35)}`], ["00000000-0000-0000-0000-00000000000g"], ["'; DROP TABLE sessions; --"], ["%20"]])(
      "answers the non-UUID id %j with the same 404",
      async (id) => {
        const decoded = decodeURIComponent(id);
        const res = await shop.api.request("GET", `/earthid/api/sessions/${encodeURIComponent(decoded)}`, { stamp: true });
        expectFail(res, 404, "1901", "Session not found");
        expect(res.body).toEqual(missingBody);
      },
    );

    it("answers the id %00 with 400 1104: control characters are refused at the edge (issue 14)", async () => {
      expectFail(await shop.api.request("GET", "/earthid/api/sessions/%00", { signOver: "\u0000" }), 400, "1104", "url path");
    });

    it("answers an encoded path traversal in the id with 404", async () => {
      const id = "../../../etc/passwd";
      const res = await shop.api.request("GET", `/earthid/api/sessions/${encodeURIComponent(id)}`, { stamp: true });
      expectFail(res, 404, "1901", "Session not found");
    });

    it("answers a raw path traversal with 404, never a file", async () => {
      for (const path of ["/earthid/api/sessions/../../../etc/passwd", "/v1/sessions/..%2f..%2f..%2fetc%2fpasswd", "/earthid/api/sessions/%2e%2e/%2e%2e/package.json"]) {
        const res = await rawRequest(server.url, { method: "GET", path, headers: { "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, "..") } });
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.status, path).toBeLessThan(500);
        expect(res.body?.status, path).toBe("fail");
        expect(res.text, path).not.toMatch(/root:|"name":\s*"earthid-verify"/);
      }
      const dotted = await rawRequest(server.url, { method: "GET", path: "/earthid/api/sessions/../../../etc/passwd", headers: { "x-auth-client": shop.apiKey } });
      expectFail(dotted, 404, "1901", "not found");
    });

    it("answers an id longer than any we issue with a Veriff-style 404", async () => {
      const id = "a".repeat(500);
      const res = await shop.api.request("GET", `/earthid/api/sessions/${id}`, { signOver: id });
      expectFail(res, 404, "1901", "not found");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    });

    it("answers broken percent-encoding with a Veriff-style 400 naming the url", async () => {
      const res = await rawRequest(server.url, { method: "GET", path: "/earthid/api/sessions/%E0%A4%A", headers: { "x-auth-client": shop.apiKey } });
      expectFail(res, 400, "1104", "url is not valid percent-encoding");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    });
  });
});
