import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFail, rawRequest, sign } from "../../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../../support/server.js";

/**
 * Issue 14, finding 6: `GET /v1/sessions?vendorData=%00` and `POST /v1/webhooks/deliveries/%00/resend`
 * answered 500 on PostgreSQL (invalid byte sequence 0x00) and 200/404 on SQLite. Text with NUL or
 * another control character is refused with 400 at the edge, on every route and both stores.
 */
const CONTROLS = ["%00", "%01", "%0A", "%1f", "%7F", "%C2%85"];

describe("control characters are refused at the edge", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sessionId: string;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ isTest: true });
    const created = await shop.api.createSession({ vendorData: "plain" });
    sessionId = created.body.verification.id;
  });
  afterAll(() => server.close());

  /** A request as an integrator would send it: key, and a signature over the id, the query or the body as the route asks. */
  const send = (method: string, path: string, signedOver: string, body?: string) =>
    rawRequest(server.url, {
      method,
      path,
      headers: { "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, signedOver), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body }),
    });

  it("the two requests of the probe: 400 1104 on both stores, not 500", async () => {
    expectFail(await send("GET", "/v1/sessions?vendorData=%00", "vendorData=%00"), 400, "1104", "query string parameter vendorData must be well-formed text without NUL characters");
    expectFail(await send("POST", "/v1/webhooks/deliveries/%00/resend", "{}", "{}"), 400, "1104", "url path must be well-formed text without NUL characters");
  });

  it("in any id, query value or path of every route, under both prefixes, and on unknown routes", async () => {
    for (const prefix of ["/earthid/api", "/v1"]) {
      for (const c of CONTROLS) {
        const cases: Array<[string, string, string, string?]> = [
          ["GET", `${prefix}/sessions/${sessionId}${c}`, sessionId],
          ["PATCH", `${prefix}/sessions/${c}`, '{"verification":{"status":"submitted"}}', '{"verification":{"status":"submitted"}}'],
          ["DELETE", `${prefix}/sessions/${c}x`, "x"],
          ["GET", `${prefix}/sessions/${c}/decision`, ""],
          ["GET", `${prefix}/sessions/${c}/person`, ""],
          ["GET", `${prefix}/sessions/${c}/attempts`, ""],
          ["GET", `${prefix}/sessions/${c}/media`, ""],
          ["POST", `${prefix}/sessions/${c}/media`, "{}", "{}"],
          ["GET", `${prefix}/attempts/${c}/media`, ""],
          ["GET", `${prefix}/media/${c}`, ""],
          ["GET", `${prefix}/sessions?status=${c}`, `status=${c}`],
          ["GET", `${prefix}/sessions?limit=1&cursor=${c}`, `limit=1&cursor=${c}`],
          ["GET", `${prefix}/webhooks/deliveries?sessionId=${c}`, `sessionId=${c}`],
          ["POST", `${prefix}/webhooks/deliveries/x${c}/resend`, "{}", "{}"],
          ["POST", `${prefix}/sessions?x=${c}`, '{"verification":{}}', '{"verification":{}}'],
          ["GET", `/nothing/here${c}`, ""],
          ["GET", `/ready?x=${c}`, ""],
        ];
        for (const [method, path, signedOver, body] of cases) {
          const res = await send(method, path, signedOver, body);
          expect([res.status, res.body?.code], `${method} ${path}: ${res.text}`).toEqual([400, "1104"]);
        }
      }
    }
  });

  it("in any string or key of a JSON body; tab, line feed and carriage return stay allowed in free text", async () => {
    const body = (verification: unknown) => JSON.stringify({ verification });
    const create = (text: string) => shop.api.request("POST", "/v1/sessions", { body: text, signOver: false });
    expectFail(await create(body({ vendorData: "a\u0001b" })), 400, "1104", "verification.vendorData must be well-formed text");
    expectFail(await create(body({ vendorData: "a\u0085b" })), 400, "1104", "verification.vendorData");
    expectFail(await create(body({ vendorData: "a\u007fb" })), 400, "1104", "verification.vendorData");
    expectFail(await create(body({ "unknown\u0000key": 1 })), 400, "1104", "verification must be well-formed text");
    expectFail(await create(body({ extra: ["ok", { deeper: "x\u0002" }] })), 400, "1104", "verification.extra[1].deeper");
    const patch = '{"verification":{"status":"submitted\\u0000"}}';
    expectFail(await shop.api.request("PATCH", `/v1/sessions/${sessionId}`, { body: patch }), 400, "1104", "verification.status");
    const resend = '{"note":"\\u0000"}';
    expectFail(await shop.api.request("POST", "/v1/webhooks/deliveries/0f0e0d0c-0b0a-4909-8807-060504030201/resend", { body: resend }), 400, "1104", "note");
    const free = await create(body({ vendorData: "line one\nline two\ttabbed\r\n" }));
    expect(free.status, free.text).toBe(201);
    expect(free.body.verification.vendorData).toBe("line one\nline two\ttabbed\r\n");
  });

  it("a callback with a line break or a tab is refused (the URL parser would drop them silently)", async () => {
    for (const callback of ["https://shop.example/back\r\nSet-Cookie: x=1", "https://shop.example/\nback", "https://shop.\texample/"]) {
      expectFail(await shop.api.createSession({ callback }), 400, "1302", "verification.callback must not contain tabs or line breaks");
    }
    await expect(server.services.integrations.createIntegration({ name: "crlf", decisionWebhookUrl: "https://hooks.example/\r\nx" })).rejects.toThrow(/control characters/);
    await expect(server.services.integrations.createIntegration({ name: "nul", callbackUrl: "https://shop.example/\u0000" })).rejects.toThrow(/control characters/);
  });

  it("nothing else changed: the service still creates, lists and reads", async () => {
    const created = await shop.api.createSession({ vendorData: "after" });
    expect(created.status).toBe(201);
    const list = await shop.api.request("GET", "/v1/sessions?vendorData=after", { stamp: true });
    expect(list.status, list.text).toBe(200);
    expect(list.body.verifications.map((s: { id: string }) => s.id)).toEqual([created.body.verification.id]);
    expect((await shop.api.getSession(sessionId)).status).toBe(200);
  });
});
