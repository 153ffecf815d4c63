import { OPERATOR } from "../../src/audit/events.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { expectFail, sign } from "../support/client.js";

const body = JSON.stringify({ verification: { person: { firstName: "Mallory" }, vendorData: "order-7" } });

describe("POST /earthid/api/sessions: keys, signatures and tenants", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let rival: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    rival = await server.integration({ name: "rival" });
  });
  afterAll(() => server.close());

  const create = (who: TestIntegration, headers: Record<string, string>, raw = body) =>
    who.api.request("POST", "/earthid/api/sessions", { body: raw, signOver: false, headers });

  describe("the optional X-HMAC-SIGNATURE", () => {
    it("is refused with 1819 when it is not the HMAC of the body", async () => {
      const res = await create(shop, { "x-hmac-signature": sign(shop.sharedSecret, `${body} `) });
      expectFail(res, 401, "1819", "X-HMAC-SIGNATURE does not match the HMAC-SHA256 of the request body");
    });

    it("covers the exact bytes: the same JSON re-serialised does not match", async () => {
      const spaced = JSON.stringify(JSON.parse(body), null, 2);
      expectFail(await create(shop, { "x-hmac-signature": sign(shop.sharedSecret, body) }, spaced), 401, "1819", "request body");
    });

    it("is refused with 1819 when made with another integration's secret", async () => {
      expectFail(await create(shop, { "x-hmac-signature": sign(rival.sharedSecret, body) }), 401, "1819", "request body");
    });

    it.each([["not-a-signature"], ["abc123"], [""], ["g".repeat(64)], ["a".repeat(63)]])("is refused with 1812 when malformed (%j)", async (signature) => {
      expectFail(await create(shop, { "x-hmac-signature": signature }), 401, "1812", "X-HMAC-SIGNATURE");
    });

    it("is read from the vrf- alias too", async () => {
      expectFail(await create(shop, { "vrf-hmac-signature": "0".repeat(64) }), 401, "1819", "request body");
      expect((await create(shop, { "vrf-hmac-signature": sign(shop.sharedSecret, body) })).status).toBe(201);
    });
  });

  it("a refused request creates no session", async () => {
    const before = await sessionsOf(server, shop.id);
    await create(shop, { "x-hmac-signature": "0".repeat(64) });
    await shop.api.createSession({ vendorData: 1 });
    expect(await sessionsOf(server, shop.id)).toBe(before);
  });

  describe("a deactivated integration", () => {
    it("is refused with 401 1804 at once, on creation and on reads, and only it", async () => {
      const leaving = await server.integration({ name: "leaving" });
      const created = await leaving.api.createSession({});
      expect(created.status).toBe(201);
      expect(await server.services.integrations.deactivateIntegration(leaving.id, OPERATOR)).toBe(true);

      expectFail(await leaving.api.createSession({}), 401, "1804", "Integration with the API key is not active");
      expectFail(await leaving.api.getSession(created.body.verification.id), 401, "1804", "not active");
      expectFail(await leaving.api.request("POST", "/v1/sessions", { body: { verification: {} }, signOver: false }), 401, "1804", "not active");
      expect((await shop.api.createSession({})).status).toBe(201);
    });
  });

  describe("a rotated shared secret", () => {
    it("stops the old secret at once, for bodies (1819), ids (1818) and timestamped signatures (1820); the new one works and signs the responses", async () => {
      const rotating = await server.integration({ name: "rotating" });
      const created = await rotating.api.createSession({});
      const id = created.body.verification.id as string;
      expect((await rotating.api.getSession(id)).status).toBe(200);

      const rotated = await server.services.integrations.rotateSecret(rotating.id, OPERATOR);
      const fresh = rotated!.sharedSecret;
      expect(fresh).not.toBe(rotating.sharedSecret);

      expectFail(await create(rotating, { "x-hmac-signature": sign(rotating.sharedSecret, body) }), 401, "1819", "request body");
      expectFail(await rotating.api.request("GET", `/earthid/api/sessions/${id}/decision`, { signOver: id }), 401, "1818", "X-HMAC-SIGNATURE does not match the HMAC-SHA256 of the session id");
      expectFail(await rotating.api.getSession(id), 401, "1820", "does not match");

      const signedWithNew = await create(rotating, { "x-hmac-signature": sign(fresh, body) });
      expect(signedWithNew.status).toBe(201);
      expect(signedWithNew.headers.get("x-hmac-signature")).toBe(sign(fresh, signedWithNew.text));
      const read = await rotating.api.getSession(id, { stamp: { secret: fresh } });
      expect(read.status).toBe(200);
      expect(read.headers.get("x-hmac-signature")).toBe(sign(fresh, read.text));
    });
  });

  describe("another integration's session", () => {
    it("is invisible: the same 404 as an id that never existed", async () => {
      const mine = (await shop.api.createSession({ vendorData: "shop-only" })).body.verification.id as string;
      const theirs = await rival.api.getSession(mine);
      const missing = await rival.api.getSession(crypto.randomUUID());
      expectFail(theirs, 404, "1901", "Session not found");
      expect(theirs.status).toBe(missing.status);
      expect(theirs.body).toEqual(missing.body);
      expect(theirs.text).not.toContain("shop-only");
      expect((await shop.api.getSession(mine)).body.verification.vendorData).toBe("shop-only");
    });

    it("cannot be read with its owner's key and another secret", async () => {
      const mine = (await shop.api.createSession({})).body.verification.id as string;
      const res = await shop.api.getSession(mine, { stamp: { secret: rival.sharedSecret } });
      expectFail(res, 401, "1820", "does not match");
    });
  });

  it("lets no other origin read a session through a browser: only creation is open to CORS", async () => {
    const id = (await shop.api.createSession({})).body.verification.id as string;
    const read = await shop.api.getSession(id, { headers: { origin: "https://evil.example" } });
    expect(read.status).toBe(200);
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
    const created = await shop.api.createSession({}, { headers: { origin: "https://evil.example" } });
    expect(created.headers.get("access-control-allow-origin")).toBe("*");
    expect(created.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

async function sessionsOf(server: TestServer, integrationId: string): Promise<number> {
  const row = await server.services.store.db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("integration_id", "=", integrationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
