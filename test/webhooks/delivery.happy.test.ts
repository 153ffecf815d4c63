import { OPERATOR } from "../../src/audit/events.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, allSigned, signatureChecks, startReceiver } from "./receiver.js";

/** A vendorData that re-serialisation must not change: quotes, escapes, non-ASCII, U+2028, emoji. */
const trickyVendorData = 'order "42" \\ </script> é ß 漢字 \u2028 \u{1F600} \t end';

describe(`webhook delivery on ${storeKind}: what a Veriff receiver sees`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;

  beforeAll(async () => {
    receiver = await startReceiver();
    // A poll far in the future: only the outbox's wake-up can make these deliveries prompt.
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "60000" });
    shop = await server.integration({ name: "shop", isTest: true, decisionWebhookUrl: `${receiver.url}/decision`, eventWebhookUrl: `${receiver.url}/events` });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  async function approvedSession(vendorData: string) {
    const created = await shop.api.createSession({ person: { firstName: "Approve", lastName: "Tester" }, vendorData, document: { type: "PASSPORT", country: "ee" } });
    expect(created.status).toBe(201);
    const sessionId = created.body.verification.id as string;
    const before = Date.now();
    await server.services.lifecycle.submit({ sessionId, actor: { kind: "operator" } });
    const all = await receiver.waitFor((r) => r.filter((x) => x.json?.id === sessionId || x.json?.verification?.id === sessionId).length === 3, 5000);
    return { sessionId, before, requests: all.filter((x) => x.json?.id === sessionId || x.json?.verification?.id === sessionId) };
  }

  it("posts 7001, 7002 and 9001 to the event and decision URLs, each verifiable three ways", async () => {
    const { sessionId, requests } = await approvedSession(trickyVendorData);
    const events = requests.filter((r) => r.path === "/events");
    const decisions = requests.filter((r) => r.path === "/decision");
    expect(events.map((r) => r.json.code).sort()).toEqual([7001, 7002]);
    expect(decisions.map((r) => r.json.verification.code)).toEqual([9001]);

    for (const request of requests) {
      expect(signatureChecks(shop.sharedSecret, request)).toEqual(allSigned);
      // The body is its own re-serialisation, byte for byte.
      expect(JSON.stringify(JSON.parse(request.body))).toBe(request.body);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["x-auth-client"]).toBe(shop.apiKey);
      expect(request.headers["vrf-auth-client"]).toBe(shop.apiKey);
      expect(request.headers["vrf-integration-id"]).toBe(shop.id);
      expect(request.headers["x-earthid-delivery-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(request.headers["x-earthid-attempt"]).toBe("1");
      const t = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(String(request.headers["x-earthid-signature"]))?.[1]);
      expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(30);
    }

    const submitted = events.find((r) => r.json.code === 7002)!.json;
    expect(Object.keys(submitted)).toEqual(["id", "attemptId", "feature", "code", "action", "vendorData", "endUserId"]);
    expect(submitted).toMatchObject({ id: sessionId, feature: "selfid", action: "submitted", vendorData: trickyVendorData, endUserId: null });
    expect(events.find((r) => r.json.code === 7001)!.json.action).toBe("started");

    const decision = decisions[0]!.json;
    expect(decision.status).toBe("success");
    expect(decision.verification).toMatchObject({
      id: sessionId,
      attemptId: submitted.attemptId,
      status: "approved",
      code: 9001,
      reason: expect.any(String),
      reasonCode: null,
      vendorData: trickyVendorData,
      person: { firstName: "Approve", lastName: "Tester", fullName: "Approve Tester" },
      document: { type: "PASSPORT", country: "EE" },
    });
    expect(new Date(decision.verification.decisionTime).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(decision.technicalData).toEqual({ ip: null });
  });

  it("reaches the receiver within a moment of the decision (woken by the commit, not the poll)", async () => {
    const { before, requests } = await approvedSession("latency");
    const decision = requests.find((r) => r.path === "/decision")!;
    expect(decision.at - before).toBeLessThan(1000);
  });

  it("records each delivery as delivered, with its attempt", async () => {
    const { sessionId } = await approvedSession("recorded");
    const rows = await server.services.store.db.selectFrom("webhook_deliveries").selectAll().where("session_id", "=", sessionId).execute();
    // The receiver answers before the dispatcher records; give the record a moment.
    await expect.poll(async () => (await server.services.store.db.selectFrom("webhook_deliveries").select("status").where("session_id", "=", sessionId).execute()).map((r) => r.status)).toEqual(["delivered", "delivered", "delivered"]);
    const attempts = await server.services.store.db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "in", rows.map((r) => r.id)).execute();
    expect(attempts).toHaveLength(3);
    expect(attempts.every((a) => a.status_code === 200 && a.error === null && a.number === 1)).toBe(true);
  });

  it("signs with the secret of the moment: after a rotation, new deliveries carry the new secret", async () => {
    const rotated = await server.services.integrations.rotateSecret(shop.id, OPERATOR);
    const oldSecret = shop.sharedSecret;
    shop = { ...shop, sharedSecret: rotated!.sharedSecret };
    const { requests } = await approvedSession("rotated");
    for (const request of requests) {
      expect(signatureChecks(rotated!.sharedSecret, request)).toEqual(allSigned);
      expect(signatureChecks(oldSecret, request).raw).toBe(false);
    }
  });

  it("sends nothing for an integration without webhook URLs", async () => {
    const quiet = await server.integration({ name: "quiet", isTest: true });
    const created = await quiet.api.createSession({ person: { firstName: "Approve" } });
    await server.services.lifecycle.submit({ sessionId: created.body.verification.id, actor: { kind: "operator" } });
    const rows = await server.services.store.db.selectFrom("webhook_deliveries").select("id").where("session_id", "=", created.body.verification.id).execute();
    expect(rows).toHaveLength(0);
  });
});
