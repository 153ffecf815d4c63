import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { erasePayloads } from "../../src/webhooks/repo.js";
import { sign, stampRequest } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, allSigned, signatureChecks, startReceiver, until } from "./receiver.js";

const FIELDS = ["id", "sessionId", "kind", "code", "url", "status", "attempts", "lastStatusCode", "lastError", "lastAttemptAt", "nextAttemptAt", "deliveredAt", "createdAt"];

describe(`webhook deliveries: list and resend, API and CLI, on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;
  let other: TestIntegration;
  let sessionId: string;

  /** Extensions: stamped over method, path and query exactly as sent, and body. */
  const list = (client: TestIntegration, query: string, prefix = "/earthid/api") =>
    client.api.request("GET", `${prefix}/webhooks/deliveries${query ? `?${query}` : ""}`, { stamp: true });
  const resend = (client: TestIntegration, id: string, body: unknown = {}) => client.api.request("POST", `/earthid/api/webhooks/deliveries/${id}/resend`, { body, stamp: true });
  const ofSession = (id: string) => receiver.received.filter((r) => (r.json?.id ?? r.json?.verification?.id) === id);

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "100" });
    shop = await server.integration({ name: "shop", isTest: true, decisionWebhookUrl: `${receiver.url}/decision`, eventWebhookUrl: `${receiver.url}/events` });
    other = await server.integration({ name: "other", isTest: true, decisionWebhookUrl: `${receiver.url}/other` });
    const created = await shop.api.createSession({ person: { firstName: "Approve" } });
    sessionId = created.body.verification.id;
    await server.services.lifecycle.submit({ sessionId, actor: { kind: "operator" } });
    await receiver.waitFor(() => ofSession(sessionId).length === 3);
    const db = server.services.store.db;
    await until(async () => (await db.selectFrom("webhook_deliveries").select("status").where("session_id", "=", sessionId).execute()).every((r) => r.status === "delivered"));
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("lists a session's deliveries, newest first, with the timestamped signature", async () => {
    const res = await list(shop, `sessionId=${sessionId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
    const { deliveries } = res.body;
    expect(deliveries).toHaveLength(3);
    expect(Object.keys(deliveries[0])).toEqual(FIELDS);
    expect(deliveries.map((d: any) => d.code).sort()).toEqual([7001, 7002, 9001]);
    expect(deliveries.find((d: any) => d.code === 9001)).toMatchObject({
      sessionId,
      kind: "decision",
      url: `${receiver.url}/decision`,
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: expect.stringMatching(/Z$/),
    });
    const createdTimes = deliveries.map((d: any) => d.createdAt);
    expect([...createdTimes].sort().reverse()).toEqual(createdTimes);
    const receivedIds = ofSession(sessionId).map((r) => r.headers["x-earthid-delivery-id"]).sort();
    expect(deliveries.map((d: any) => d.id).sort()).toEqual(receivedIds);
  });

  it("serves the same list under /v1, and without a query", async () => {
    expect((await list(shop, `sessionId=${sessionId}`, "/v1")).body.deliveries).toHaveLength(3);
    const all = await list(shop, "");
    expect(all.status).toBe(200);
    expect(all.body.deliveries.length).toBeGreaterThanOrEqual(3);
    expect((await list(shop, "limit=2")).body.deliveries).toHaveLength(2);
  });

  it("refuses Veriff's replayable signature, and a stamp over anything but the exact method, path and query (issue 14, finding 3)", async () => {
    const path = `/earthid/api/webhooks/deliveries?sessionId=${sessionId}&limit=5`;
    // Before issue 14 the HMAC of the query string authorised this list forever.
    const veriffStyle = await shop.api.request("GET", path, { signOver: `sessionId=${sessionId}&limit=5` });
    expect(veriffStyle.status).toBe(401);
    expect(veriffStyle.body.code).toBe("1820");
    expect(veriffStyle.body.message).toContain("X-HMAC-SIGNATURE alone was sent");
    const at = (target: string, method = "GET") => ({ headers: { "x-earthid-signature": stampRequest(shop.sharedSecret, method, target) } });
    for (const target of [`/earthid/api/webhooks/deliveries?limit=5&sessionId=${sessionId}`, `/v1/webhooks/deliveries?sessionId=${sessionId}&limit=5`, "/earthid/api/webhooks/deliveries"]) {
      const res = await shop.api.request("GET", path, at(target));
      expect(res.body.code, target).toBe("1820");
      expect(res.body.message, target).toContain("does not match");
    }
    expect((await shop.api.request("GET", path, at(path, "POST"))).body.code).toBe("1820");
    expect((await shop.api.request("GET", path, at(path))).status).toBe(200);
    expect((await shop.api.request("GET", path, { stamp: { t: Math.floor(Date.now() / 1000) - 600 } })).body.code).toBe("1820");
    expect((await shop.api.request("GET", path, { stamp: true, apiKey: null })).body.code).toBe("1801");
  });

  it("answers 400 for a session id that is not a UUID", async () => {
    const res = await list(shop, "sessionId=nope");
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("1104");
  });

  it("never shows or re-sends another integration's deliveries", async () => {
    const theirs = await list(other, `sessionId=${sessionId}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.deliveries).toEqual([]);
    expect((await list(other, "")).body.deliveries).toEqual([]);
    const [delivery] = (await list(shop, `sessionId=${sessionId}`)).body.deliveries;
    const res = await resend(other, delivery.id);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: "fail", code: "1901", message: "Webhook delivery not found" });
  });

  it("re-sends a delivered webhook with the same body and delivery id, as the next attempt", async () => {
    const decision = (await list(shop, `sessionId=${sessionId}`)).body.deliveries.find((d: any) => d.code === 9001);
    const first = ofSession(sessionId).find((r) => r.headers["x-earthid-delivery-id"] === decision.id)!;
    const res = await resend(shop, decision.id);
    expect(res.status).toBe(202);
    expect(res.body.delivery).toMatchObject({ id: decision.id, status: "pending", attempts: 1 });
    const again = await receiver.waitFor(() => ofSession(sessionId).filter((r) => r.headers["x-earthid-delivery-id"] === decision.id).length === 2);
    const second = again.filter((r) => r.headers["x-earthid-delivery-id"] === decision.id)[1]!;
    expect(second.body).toBe(first.body);
    expect(second.headers["x-earthid-attempt"]).toBe("2");
    expect(signatureChecks(shop.sharedSecret, second)).toEqual(allSigned);
    await expect.poll(async () => (await list(shop, `sessionId=${sessionId}`)).body.deliveries.find((d: any) => d.id === decision.id)).toMatchObject({ status: "delivered", attempts: 2 });
    const audit = await server.services.audit.listForSession(sessionId);
    expect(audit.filter((e) => e.type === "webhook.resent").map((e) => JSON.parse(e.data))).toContainEqual({ deliveryId: decision.id });
  });

  it("takes an empty body and refuses a wrong, missing or replayed signature", async () => {
    const [delivery] = (await list(shop, `sessionId=${sessionId}`)).body.deliveries;
    const path = `/earthid/api/webhooks/deliveries/${delivery.id}/resend`;
    expect((await shop.api.request("POST", path, { stamp: true })).status).toBe(202);
    expect((await shop.api.request("POST", path, { body: {}, signOver: false })).body.code).toBe("1820");
    // Veriff's scheme: the HMAC of the empty body would have re-sent any delivery, forever.
    expect((await shop.api.request("POST", path, { signOver: "" })).body.code).toBe("1820");
    const otherBody = await shop.api.request("POST", path, { body: {}, headers: { "x-earthid-signature": stampRequest(shop.sharedSecret, "POST", path, "") } });
    expect(otherBody.status).toBe(401);
    expect(otherBody.body.code).toBe("1820");
    expect((await resend(shop, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await resend(shop, "not-a-uuid")).status).toBe(404);
  });

  it("answers 409 once the session's data, and with it the body, was erased", async () => {
    const created = await shop.api.createSession({ person: { firstName: "Decline" } });
    const erasedSession = created.body.verification.id as string;
    await server.services.lifecycle.submit({ sessionId: erasedSession, actor: { kind: "operator" } });
    await receiver.waitFor(() => ofSession(erasedSession).length === 3);
    await server.services.store.db.transaction().execute((trx) => erasePayloads(trx, erasedSession));
    const deliveries = (await list(shop, `sessionId=${erasedSession}`)).body.deliveries;
    expect(deliveries).toHaveLength(3);
    const res = await resend(shop, deliveries[0].id);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ status: "fail", code: "1905", message: `Webhook delivery ${deliveries[0].id} cannot be re-sent: its body was erased with the session's data` });
  });

  it("erasure fails the deliveries not yet made, which are then never sent", async () => {
    const db = server.services.store.db;
    const created = await other.api.createSession({ person: { firstName: "Approve" } });
    const id = created.body.verification.id as string;
    // Erased in the same transaction that enqueued it: the dispatcher can never have seen the body.
    await server.services.lifecycle.inLockedSession({ sessionId: id, actor: { kind: "operator" } }, async (locked) => {
      await server.services.outbox.enqueue(locked.trx, [{ integrationId: other.id, url: `${receiver.url}/other`, sessionId: id, kind: "decision", code: 9001, payload: { erased: true } }]);
      await erasePayloads(locked.trx, id);
    });
    // A delivery committed after it, due after it, reaching the receiver: the dispatcher has had its
    // chance at the erased row by then (due rows are claimed in the order they fell due).
    const after = (await other.api.createSession({ person: { firstName: "Approve" } })).body.verification.id as string;
    await server.services.lifecycle.inLockedSession({ sessionId: after, actor: { kind: "operator" } }, (locked) =>
      server.services.outbox.enqueue(locked.trx, [{ integrationId: other.id, url: `${receiver.url}/other`, sessionId: after, kind: "decision", code: 9001, payload: { after: true } }]),
    );
    await receiver.waitFor(() => receiver.received.some((r) => r.json?.after === true));
    const row = await db.selectFrom("webhook_deliveries").selectAll().where("session_id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "failed", payload_sealed: null, attempts: 0, last_error: "payload erased with the session's data" });
    expect(ofSession(id)).toHaveLength(0);
  });
});
