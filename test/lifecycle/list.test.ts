import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFail, rawRequest, sign, stampRequest } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { createSession, lifecycle, submitAndDecide } from "./helpers.js";

const ids = (res: { body: any }) => (res.body.verifications as { id: string }[]).map((v) => v.id);

describe("GET /sessions: an integration's own sessions, newest first", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sandbox: TestIntegration;
  let created: string[];
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_DELETE_LIMIT_PER_HOUR: "0", EARTHID_DELETE_LIMIT_PER_DAY: "0" });
    shop = await server.integration({ name: "shop" });
    sandbox = await server.integration({ name: "sandbox", isTest: true });
    created = [];
    // One at a time, a few ms apart: creation order is the order to expect, newest first.
    for (let i = 0; i < 7; i++) {
      created.push(await createSession(shop, { vendorData: i % 2 === 0 ? "customer-even" : `customer-${i}` }));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await createSession(sandbox, { vendorData: "customer-even" });
  });
  afterAll(() => server.close());

  describe("the happy path", () => {
    it("lists the integration's sessions newest first, each as GET /sessions/{id} answers it plus its times", async () => {
      const res = await lifecycle(shop).list();
      expect(res.status, res.text).toBe(200);
      expect(ids(res)).toEqual([...created].reverse());
      expect(res.body.nextCursor).toBeNull();
      const first = res.body.verifications[0];
      const single = (await shop.api.getSession(first.id)).body.verification;
      expect(first).toEqual({ ...single, createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect(Date.parse(first.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
    });

    it("pages with an opaque cursor until nextCursor is null, missing and repeating nothing", async () => {
      const seen: string[] = [];
      let query = "limit=3";
      for (let page = 0; page < 5; page++) {
        const res = await lifecycle(shop).list(query);
        expect(res.status, res.text).toBe(200);
        expect(res.body.verifications.length).toBeLessThanOrEqual(3);
        seen.push(...ids(res));
        if (res.body.nextCursor === null) break;
        expect(res.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
        query = `limit=3&cursor=${res.body.nextCursor}`;
      }
      expect(seen).toEqual([...created].reverse());
    });

    it("filters by vendorData (exact) and by status, together with paging", async () => {
      const even = await lifecycle(shop).list("vendorData=customer-even");
      expect(ids(even)).toEqual([created[6], created[4], created[2], created[0]]);
      const page = await lifecycle(shop).list("vendorData=customer-even&limit=2");
      expect(ids(page)).toEqual([created[6], created[4]]);
      const rest = await lifecycle(shop).list(`vendorData=customer-even&limit=2&cursor=${page.body.nextCursor}`);
      expect(ids(rest)).toEqual([created[2], created[0]]);
      expect(ids(await lifecycle(shop).list("vendorData=customer"))).toEqual([]);

      expect(await submitAndDecide(server, shop, created[1]!)).toBe("review");
      const inReview = await lifecycle(shop).list("status=review");
      expect(ids(inReview)).toEqual([created[1]]);
      expect(inReview.body.verifications[0].status).toBe("review");
      expect(ids(await lifecycle(shop).list("status=review&vendorData=customer-even"))).toEqual([]);
    });

    it("takes percent-encoded values, signed as sent", async () => {
      const id = await createSession(sandbox, { vendorData: "a b&c=d/é" });
      const query = `vendorData=${encodeURIComponent("a b&c=d/é")}`;
      expect(ids(await lifecycle(sandbox).list(query))).toEqual([id]);
    });

    it("leaves out deleted sessions", async () => {
      const doomed = await createSession(sandbox, { vendorData: "doomed" });
      expect(ids(await lifecycle(sandbox).list("vendorData=doomed"))).toEqual([doomed]);
      expect((await lifecycle(sandbox).remove(doomed)).status).toBe(200);
      expect(ids(await lifecycle(sandbox).list("vendorData=doomed"))).toEqual([]);
    });

    it("is served under /v1 too and accepts the signature in upper-case hex", async () => {
      const stamp = stampRequest(shop.sharedSecret, "GET", "/v1/sessions?limit=1").replace(/v1=(\w+)/, (_, hex: string) => `v1=${hex.toUpperCase()}`);
      const res = await lifecycle(shop, "/v1").list("limit=1", { stamp: undefined, headers: { "x-earthid-signature": stamp } });
      expect(res.status, res.text).toBe(200);
      expect(ids(res)).toEqual([created[6]]);
    });
  });

  describe("the errors", () => {
    it("refuses a limit outside 1..100, an unknown status or parameter, and a foreign cursor (1104)", async () => {
      for (const query of ["limit=0", "limit=101", "limit=abc", "limit=-1", "limit=1.5", "status=finished", "vendordata=x", "status=review&status=approved"]) {
        const res = await lifecycle(shop).list(query);
        expectFail(res, 400, "1104", "querystring");
      }
      for (const cursor of ["abc", Buffer.from("[1,2]").toString("base64url"), Buffer.from('["x","y"]').toString("base64url"), "%00"]) {
        expectFail(await lifecycle(shop).list(`cursor=${cursor}`), 400, "1104", "cursor");
      }
      expectFail(await lifecycle(shop).list(`vendorData=${"v".repeat(1001)}`), 400, "1104", "vendorData");
      expect((await lifecycle(shop).list("limit=100")).status).toBe(200);
    });
  });

  describe("the security cases", () => {
    it("refuses Veriff's replayable HMAC of the query, a missing stamp, and one over another target, time or secret (issue 14, finding 3)", async () => {
      // Before issue 14 the HMAC of the query string listed every session, with its token, forever.
      expectFail(await lifecycle(shop).list("limit=2", { stamp: undefined, signOver: "limit=2" }), 401, "1820", "X-HMAC-SIGNATURE alone was sent");
      expectFail(await lifecycle(shop).list("", { stamp: undefined, signOver: "" }), 401, "1820", "EarthID extension");
      expectFail(await lifecycle(shop).list("limit=2", { stamp: undefined }), 401, "1820", "is missing");
      const at = (target: string) => ({ stamp: undefined, headers: { "x-earthid-signature": stampRequest(shop.sharedSecret, "GET", target) } });
      expectFail(await lifecycle(shop).list("limit=2", at("/earthid/api/sessions?limit=3")), 401, "1820", "does not match");
      expectFail(await lifecycle(shop).list("limit=2", at("/earthid/api/sessions")), 401, "1820", "does not match");
      const encoded = `vendorData=${encodeURIComponent("a b")}`;
      expectFail(await lifecycle(shop).list(encoded, at("/earthid/api/sessions?vendorData=a b")), 401, "1820", "does not match");
      expectFail(await lifecycle(shop).list("limit=2", { stamp: { secret: sandbox.sharedSecret } }), 401, "1820", "does not match");
      expectFail(await lifecycle(shop).list("limit=2", { stamp: { t: Math.floor(Date.now() / 1000) - 301 } }), 401, "1820", "from the server's clock");
    });

    it("signs the target as sent: a bare '?' is part of it", async () => {
      const headers = (target: string) => ({ "x-auth-client": shop.apiKey, "x-earthid-signature": stampRequest(shop.sharedSecret, "GET", target) });
      const res = await rawRequest(server.url, { method: "GET", path: "/earthid/api/sessions?", headers: headers("/earthid/api/sessions?") });
      expect(res.status, res.text).toBe(200);
      expect((await rawRequest(server.url, { method: "GET", path: "/earthid/api/sessions?", headers: headers("/earthid/api/sessions") })).status).toBe(401);
    });

    it("never shows another integration's sessions, even with its vendorData or a cursor made from its session", async () => {
      const theirs = await lifecycle(sandbox).list("vendorData=customer-even");
      expect(theirs.body.verifications).toHaveLength(1);
      expect(ids(theirs)).not.toContain(created[0]);
      const all = await lifecycle(sandbox).list("limit=100");
      for (const id of created) expect(ids(all)).not.toContain(id);
      const cursor = Buffer.from(JSON.stringify([Date.now() + 60_000, "ffffffff-ffff-4fff-bfff-ffffffffffff"])).toString("base64url");
      for (const id of ids(await lifecycle(sandbox).list(`cursor=${cursor}&limit=100`))) expect(created).not.toContain(id);
    });
  });
});
