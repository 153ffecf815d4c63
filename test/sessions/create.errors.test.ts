import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { expectFail, sign } from "../support/client.js";

const HOUR = 3_600_000;
const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe("POST /earthid/api/sessions: what it refuses, and how it says so", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sandbox: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_BODY_LIMIT: "65536" });
    shop = await server.integration({ name: "shop" });
    sandbox = await server.integration({ name: "sandbox", isTest: true });
  });
  afterAll(() => server.close());

  describe("the API key", () => {
    it("is mandatory: 401 1801", async () => {
      expectFail(await shop.api.createSession({}, { apiKey: null }), 401, "1801", "X-AUTH-CLIENT");
    });

    it("is a UUID: 401 1802", async () => {
      expectFail(await shop.api.createSession({}, { apiKey: "shop-key" }), 401, "1802", "X-AUTH-CLIENT");
    });

    it("belongs to an integration: 401 1803", async () => {
      expectFail(await shop.api.createSession({}, { apiKey: crypto.randomUUID() }), 401, "1803", "API key was not found");
    });
  });

  describe("vendorData", () => {
    it("takes exactly 1000 characters, counted as characters, not bytes", async () => {
      const vendorData = "é".repeat(999) + "😀";
      const res = await shop.api.createSession({ vendorData });
      expect(res.status).toBe(201);
      expect(res.body.verification.vendorData).toBe(vendorData);
    });

    it("refuses 1001 characters with 1500", async () => {
      const res = await shop.api.createSession({ vendorData: "x".repeat(1001) });
      expectFail(res, 400, "1500", "vendorData is longer than 1000 characters: verification.vendorData");
    });

    it.each([[42], [true], [{ id: "u-1" }], [["u-1"]]])("refuses a non-string (%j) with 1501", async (vendorData) => {
      expectFail(await shop.api.createSession({ vendorData }), 400, "1501", "vendorData must be a string: verification.vendorData");
    });
  });

  describe("person", () => {
    it.each([["12/01/1990"], ["1990-1-1"], ["19900101"], [19900101], ["1990-01-01T00:00:00Z"]])(
      "refuses a date of birth not in YYYY-MM-DD (%j) with 1203",
      async (dateOfBirth) => {
        const res = await shop.api.createSession({ person: { dateOfBirth } });
        expectFail(res, 400, "1203", "Invalid ISO 8601 date: verification.person.dateOfBirth must be YYYY-MM-DD");
      },
    );

    it.each([["1990-02-30"], ["1991-13-01"], ["1899-12-31"], [isoDaysFromNow(2)]])("refuses an impossible date of birth (%s) with 2003", async (dateOfBirth) => {
      const res = await shop.api.createSession({ person: { dateOfBirth } });
      expectFail(res, 400, "2003", "Date of birth is not a valid date: verification.person.dateOfBirth");
    });

    it("takes a leap day and a date of birth of today", async () => {
      expect((await shop.api.createSession({ person: { dateOfBirth: "2000-02-29" } })).status).toBe(201);
      expect((await shop.api.createSession({ person: { dateOfBirth: new Date().toISOString().slice(0, 10) } })).status).toBe(201);
    });

    it.each([["M"], ["F"], ["MALE"], ["FEMALE"], [null]])("takes gender %j", async (gender) => {
      expect((await shop.api.createSession({ person: { gender } })).status).toBe(201);
    });

    it.each([["X"], ["male"], [1]])("refuses gender %j with 1104 naming the field", async (gender) => {
      expectFail(await shop.api.createSession({ person: { gender } }), 400, "1104", "verification.person.gender");
    });

    it("refuses a first name that is not a string with 1104 naming the field", async () => {
      expectFail(await shop.api.createSession({ person: { firstName: 7 } }), 400, "1104", "Request includes invalid parameters: verification.person.firstName must be string or null");
    });
  });

  describe("document", () => {
    it.each([["VISA"], ["passport"], ["OTHER"], [3]])("refuses type %j with 2103", async (type) => {
      const res = await shop.api.createSession({ document: { type } });
      expectFail(res, 400, "2103", "Document type is not supported: verification.document.type must be one of PASSPORT, ID_CARD, DRIVERS_LICENSE, RESIDENCE_PERMIT");
    });

    it.each([["PASSPORT"], ["ID_CARD"], ["DRIVERS_LICENSE"], ["RESIDENCE_PERMIT"]])("takes type %s", async (type) => {
      expect((await shop.api.createSession({ document: { type, country: "EE" } })).status).toBe(201);
    });

    it.each([["XX"], ["EST"], ["E1"], ["EU"], ["ZZ"], [""], [372]])("refuses country %j with 2104", async (country) => {
      const res = await shop.api.createSession({ document: { country } });
      expectFail(res, 400, "2104", "Document country is not supported: verification.document.country must be an ISO 3166-1 alpha-2 code");
    });

    it("takes a country code in either case", async () => {
      expect((await shop.api.createSession({ document: { country: "ee" } })).status).toBe(201);
      expect((await shop.api.createSession({ document: { country: "GB" } })).status).toBe(201);
    });

    it.each([["AB-123456"], ["AB 123456"], ["ÄB123456"], ["AB123456\n"]])("refuses a document number with other characters (%j) with 2102", async (number) => {
      const res = await shop.api.createSession({ document: { number } });
      expectFail(res, 400, "2102", "Document number may contain only A-Z and 0-9: verification.document.number");
    });
  });

  describe("the legacy timestamp", () => {
    it.each([["yesterday"], ["2024-13-01T00:00:00Z"], ["2099-02-30T10:00:00Z"], ["2024-01-01"], [1717171717]])(
      "refuses a malformed or impossible one (%j) with 1202",
      async (timestamp) => {
        const res = await shop.api.createSession({ timestamp });
        expectFail(res, 400, "1202", "Timestamp format is incorrect: verification.timestamp");
      },
    );

    it("refuses one older than an hour with 1201", async () => {
      const res = await shop.api.createSession({ timestamp: new Date(Date.now() - HOUR - 60_000).toISOString() });
      expectFail(res, 400, "1201", "Invalid timestamp: verification.timestamp must not be older than one hour");
    });

    it("takes one from 59 minutes ago, with an offset", async () => {
      const at = new Date(Date.now() - 59 * 60_000 + 2 * HOUR).toISOString().replace("Z", "+02:00");
      expect((await shop.api.createSession({ timestamp: at })).status).toBe(201);
    });
  });

  describe("features", () => {
    it.each([[["selfid", "video"]], [["document"]], ["selfid"]])("refuses %j with 1301", async (features) => {
      expectFail(await shop.api.createSession({ features }), 400, "1301", "Requested features are not supported: verification.features");
    });

    it("takes selfid", async () => {
      expect((await shop.api.createSession({ features: ["selfid"] })).status).toBe(201);
    });
  });

  describe("callback", () => {
    it.each([["http://shop.example/thanks"], ["ftp://shop.example/thanks"], ["javascript:alert(1)"], ["/thanks"], ["shop.example/thanks"]])(
      "refuses %s for a live integration with 1302",
      async (callback) => {
        expectFail(await shop.api.createSession({ callback }), 400, "1302", "Only HTTPS return URLs are allowed: verification.callback");
      },
    );

    it.each([["http://localhost:3000/thanks"], ["http://127.0.0.1/thanks"], ["http://[::1]:8080/"]])("takes a loopback http callback %s", async (callback) => {
      expect((await shop.api.createSession({ callback })).status).toBe(201);
    });

    it("takes a plain-http callback from a test integration only", async () => {
      expect((await sandbox.api.createSession({ callback: "http://shop.example/thanks" })).status).toBe(201);
      expectFail(await sandbox.api.createSession({ callback: "ftp://shop.example/thanks" }), 400, "1302", "verification.callback");
    });
  });

  describe("the rest of the body", () => {
    it("needs a verification object: 1102 when absent", async () => {
      expectFail(await shop.api.request("POST", "/earthid/api/sessions", { body: {} }), 400, "1102", "Mandatory parameters are missing from the request: verification");
    });

    it.each([[null], [[]], ["created"]])("refuses verification = %j with 1104", async (verification) => {
      expectFail(await shop.api.request("POST", "/earthid/api/sessions", { body: { verification } }), 400, "1104", "verification must be object");
    });

    it("refuses an endUserId that is not a UUID with 1104", async () => {
      expectFail(await shop.api.createSession({ endUserId: "user-42" }), 400, "1104", "verification.endUserId must be a valid uuid");
    });

    it("takes every optional field as null", async () => {
      const nulls = { callback: null, person: null, document: null, vendorData: null, endUserId: null, lang: null, timestamp: null, features: null };
      expect((await shop.api.createSession(nulls)).status).toBe(201);
      const nested = { person: { firstName: null, lastName: null, idNumber: null, gender: null, dateOfBirth: null, email: null, phoneNumber: null }, document: { type: null, country: null, number: null } };
      const res = await shop.api.createSession(nested);
      expect(res.status, res.text).toBe(201);
    });

    it("answers malformed JSON with 400 1906", async () => {
      const res = await shop.api.request("POST", "/earthid/api/sessions", { body: '{"verification":{"vendorData":"a"' });
      expectFail(res, 400, "1906", "Request body is not valid JSON");
    });

    it("answers another content type with 415 1903", async () => {
      const res = await shop.api.request("POST", "/earthid/api/sessions", { body: "verification[vendorData]=a", contentType: "application/x-www-form-urlencoded" });
      expectFail(res, 415, "1903", "Content-Type must be application/json");
    });

    it("answers a body over the limit with 413 1902", async () => {
      const res = await shop.api.createSession({ vendorData: "a", padding: "x".repeat(70_000) });
      expectFail(res, 413, "1902", "Request body is larger than 65536 bytes");
    });

    it("answers the same errors under /v1", async () => {
      const res = await shop.api.request("POST", "/v1/sessions", { body: { verification: { vendorData: 1 } }, signOver: false });
      expectFail(res, 400, "1501", "verification.vendorData");
    });
  });

  it("signs a refusal once the caller is known, over the exact bytes of the error", async () => {
    const res = await shop.api.createSession({ document: { type: "VISA" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-auth-client")).toBe(shop.apiKey);
    expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
    expect(res.headers.get("vrf-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
  });

  it("does not sign a refusal of an unknown caller", async () => {
    const res = await shop.api.createSession({}, { apiKey: crypto.randomUUID() });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-auth-client")).toBeNull();
    expect(res.headers.get("x-hmac-signature")).toBeNull();
  });
});
