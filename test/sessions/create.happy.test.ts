import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { UUID_V7, sign } from "../support/client.js";

const seedBody = {
  callback: "https://www.myearth.id/",
  person: { firstName: "John", lastName: "Smith" },
  document: { type: "PASSPORT", country: "EE" },
  vendorData: "unique id of a user",
};

describe("POST /earthid/api/sessions: the seed contract", () => {
  let server: TestServer;
  let shop: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: "https://verify.example.org" });
    shop = await server.integration({ name: "shop" });
  });
  afterAll(() => server.close());

  it("answers 201 with exactly the seed's shape", async () => {
    const res = await shop.api.createSession(seedBody);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(["status", "verification"]);
    expect(res.body.status).toBe("success");
    const v = res.body.verification;
    expect(Object.keys(v).sort()).toEqual(["host", "id", "sessionToken", "status", "url", "vendorData"]);
    // An RFC 9562 UUID, version 7: later sessions get ids that sort after.
    expect(v.id).toMatch(UUID_V7);
    expect(v.host).toBe("https://verify.example.org");
    expect(v.url).toBe(`https://verify.example.org/v/${v.sessionToken}`);
    expect(v.vendorData).toBe("unique id of a user");
    expect(v.status).toBe("created");
  });

  it("issues an HS256 session token with session_id, iid, iat and a seven-day exp", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { body } = await shop.api.createSession({});
    const token = body.verification.sessionToken as string;
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(token);
    expect(claims.session_id).toBe(body.verification.id);
    expect(claims.iid).toBe(shop.id);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp! - claims.iat!).toBe(604_800);
    expect(token.length).toBeLessThan(4096);
  });

  it("accepts the minimum body and answers vendorData null", async () => {
    const res = await shop.api.createSession({});
    expect(res.status).toBe(201);
    expect(res.body.verification.vendorData).toBeNull();
  });

  it("serves the same handler under /v1", async () => {
    const res = await shop.api.request("POST", "/v1/sessions", { body: { verification: seedBody }, signOver: false });
    expect(res.status).toBe(201);
    expect(res.body.verification.status).toBe("created");
  });

  it("signs the response over its exact bytes, with vrf- aliases", async () => {
    const res = await shop.api.createSession(seedBody);
    expect(res.headers.get("x-auth-client")).toBe(shop.apiKey);
    expect(res.headers.get("vrf-auth-client")).toBe(shop.apiKey);
    expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
    expect(res.headers.get("vrf-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
  });

  it("accepts a correct optional X-HMAC-SIGNATURE, in either hex case", async () => {
    const body = JSON.stringify({ verification: seedBody });
    const lower = await shop.api.request("POST", "/earthid/api/sessions", { body, signOver: "body" });
    expect(lower.status).toBe(201);
    const upper = await shop.api.request("POST", "/earthid/api/sessions", { body, signOver: false, headers: { "x-hmac-signature": sign(shop.sharedSecret, body).toUpperCase() } });
    expect(upper.status).toBe(201);
  });

  it("takes every optional field, legacy ones included, and ignores unknown fields", async () => {
    const res = await shop.api.createSession({
      ...seedBody,
      person: { firstName: "Anna", lastName: "Eriksson", idNumber: "ZE184226B", gender: "FEMALE", dateOfBirth: "1974-08-12", email: "anna@example.org", phoneNumber: "+3725555555" },
      document: { type: "ID_CARD", country: "se", number: "D23145890" },
      endUserId: "c6a0c2d9-7bb5-4e5f-9f1e-1d5b3e0c7a11",
      lang: "et",
      timestamp: new Date().toISOString(),
      features: ["selfid"],
      somethingNew: { nested: true },
    });
    expect(res.status).toBe(201);
  });

  it("lets the integrator read the session back, with the timestamped signature", async () => {
    const created = await shop.api.createSession(seedBody);
    const id = created.body.verification.id;
    const read = await shop.api.getSession(id);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const v1 = await shop.api.request("GET", `/v1/sessions/${id}`, { stamp: true });
    expect(v1.body).toEqual(created.body);
    expect(read.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, read.text));
  });
});
