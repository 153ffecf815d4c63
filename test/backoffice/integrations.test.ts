import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backofficeDepsFor } from "../../src/backoffice/adapter.js";
import { operations } from "../../src/backoffice/operations.js";
import { apiClient } from "../support/client.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { createSession } from "../lifecycle/helpers.js";
import { formClient, makeReviewer } from "./support.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

/** Administrators run integrations from the back-office; every secret shown or changed is audited. */
describe(`back-office integrations (${storeKind})`, () => {
  let server: TestServer;
  let admin: ReturnType<typeof formClient>;
  let adminId: string;

  beforeAll(async () => {
    // Test webhooks go to a receiver on loopback.
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" });
    const { secret } = await makeReviewer(server, "ops@example.com", "admin", { totp: true });
    admin = formClient(server.url);
    await admin.logIn("ops@example.com", secret);
    adminId = (await server.services.store.db.selectFrom("reviewers" as never).select("id" as never).executeTakeFirstOrThrow() as { id: string }).id;
  });
  afterAll(() => server.close());

  const secretOn = (text: string) => /data-testid="shared-secret">([^<]+)</.exec(text)?.[1];

  it("creates an integration, rotates its secret (the old one stops working) and reveals it, each audited", async () => {
    await admin.get("/admin/integrations");
    const created = await admin.post("/admin/integrations", { name: "Shop from the back-office", decisionWebhookUrl: "https://shop.example/hooks", isTest: "1" });
    expect(created.status).toBe(200);
    const first = secretOn(created.text)!;
    const integration = (await server.services.integrations.listIntegrations()).find((i) => i.name === "Shop from the back-office")!;
    expect(integration).toMatchObject({ isTest: true, decisionWebhookUrl: "https://shop.example/hooks" });
    const sessionId = await createSession({ id: integration.id, apiKey: integration.apiKey, sharedSecret: first, api: apiClient(server.url, integration.apiKey, first) });
    const signedRead = (secret: string) => apiClient(server.url, integration.apiKey, secret).request("GET", `/earthid/api/sessions/${sessionId}/decision`, { signOver: sessionId });
    expect((await signedRead(first)).status).toBe(200);

    const rotated = await admin.post(`/admin/integrations/${integration.id}/rotate`, {});
    const second = secretOn(rotated.text)!;
    expect(second).not.toBe(first);
    expect((await signedRead(first)).status).toBe(401);
    expect((await signedRead(second)).status).toBe(200);

    const revealed = await admin.post(`/admin/integrations/${integration.id}/reveal`, {});
    expect(secretOn(revealed.text)).toBe(second);
    expect(revealed.headers.get("cache-control")).toBe("no-store");

    const events = await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", integration.id).where("type", "like", "integration.%").orderBy("created_at").execute();
    expect(events.map((e) => e.type)).toEqual(["integration.created", "integration.secret_rotated", "integration.secret_revealed"]);
    expect(events.every((e) => JSON.parse(e.data).reviewerId === adminId)).toBe(true);
  });

  it("refuses a webhook URL that is not https, with the reason on the page", async () => {
    await admin.get("/admin/integrations");
    const refused = await admin.post("/admin/integrations", { name: "bad", decisionWebhookUrl: "ftp://nowhere" });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/decision-webhook/);
  });

  it("deactivates: the API key is refused afterwards", async () => {
    const shop = await server.integration({ name: "to retire" });
    await admin.get("/admin/integrations");
    expect((await admin.post(`/admin/integrations/${shop.id}/deactivate`, {})).location).toBe("/admin/integrations?done=deactivated");
    expect((await shop.api.createSession({})).status).toBe(401);
  });

  it("a reviewer is refused by the service itself, not only by the page", async () => {
    await makeReviewer(server, "rev@example.com", "reviewer");
    const shop = await server.integration({ name: "guarded" });
    const reviewer = formClient(server.url);
    await reviewer.logIn("rev@example.com");
    expect((await reviewer.post(`/admin/integrations/${shop.id}/reveal`, {})).status).toBe(403);
    const ops = operations(backofficeDepsFor(server.services));
    await expect(ops.rotateSecret({ kind: "reviewer", id: "x", email: "rev@example.com", role: "reviewer" }, shop.id)).rejects.toThrow("administrators only");
  });

  it("edits an integration on its page: one audited change; a bad URL is refused and changes nothing", async () => {
    const shop = await server.integration({ name: "editable", callbackUrl: "https://shop.example/back" });
    const page = await admin.get(`/admin/integrations/${shop.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(shop.apiKey);
    const saved = await admin.post(`/admin/integrations/${shop.id}`, {
      name: "edited", callbackUrl: "", decisionWebhookUrl: "https://shop.example/hooks/decision", eventWebhookUrl: "", frameAncestors: "https://shop.example https://b.example",
    });
    expect(saved.location).toBe(`/admin/integrations/${shop.id}?done=saved`);
    expect(await server.services.integrations.getIntegration(shop.id)).toMatchObject({
      name: "edited", callbackUrl: null, decisionWebhookUrl: "https://shop.example/hooks/decision", frameAncestors: ["https://shop.example", "https://b.example"],
    });
    const [event] = await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", shop.id).where("type", "=", "integration.updated").execute();
    expect(event!.actor).toBe("reviewer");
    expect(Object.keys(JSON.parse(event!.data).changes).sort()).toEqual(["callback", "decision-webhook", "frame-ancestors", "name"]);

    await admin.get(`/admin/integrations/${shop.id}`);
    const refused = await admin.post(`/admin/integrations/${shop.id}`, { name: "again", callbackUrl: "http://shop.example/plain", decisionWebhookUrl: "", eventWebhookUrl: "", frameAncestors: "" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("--callback");
    expect((await server.services.integrations.getIntegration(shop.id))!.name).toBe("edited");
  });

  it("switches test mode and strict signing through integrations update; leaving test mode with a plain-http callback is refused", async () => {
    const shop = await server.integration({ name: "sandbox", isTest: true, callbackUrl: "http://shop.example/back" });
    const form = { name: "sandbox", callbackUrl: "http://shop.example/back", decisionWebhookUrl: "", eventWebhookUrl: "", frameAncestors: "" };
    await admin.get(`/admin/integrations/${shop.id}`);
    const refused = await admin.post(`/admin/integrations/${shop.id}`, { ...form, strictSignatures: "1" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("--test-mode off is refused");
    expect(await server.services.integrations.getIntegration(shop.id)).toMatchObject({ isTest: true, strictSignatures: false });

    await admin.post(`/admin/integrations/${shop.id}`, { ...form, callbackUrl: "https://shop.example/back", strictSignatures: "1" });
    expect(await server.services.integrations.getIntegration(shop.id)).toMatchObject({ isTest: false, strictSignatures: true, callbackUrl: "https://shop.example/back" });
    const [event] = await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", shop.id).where("type", "=", "integration.updated").execute();
    expect(JSON.parse(event!.data)).toEqual({
      changes: { callback: { from: "http://shop.example/back", to: "https://shop.example/back" }, "strict-signatures": { from: "off", to: "on" }, "test-mode": { from: "on", to: "off" } },
      reviewerId: adminId,
    });
  });

  it("makes a policy version from the page; text that is not a number, or out of range, is refused with the reason", async () => {
    const shop = await server.integration({ name: "tuned" });
    const page = await admin.get(`/admin/integrations/${shop.id}`);
    expect(page.text).toContain("Version 1 (the default: never changed).");
    const policy = { faceThreshold: "0.62", reviewFrom: "0.55", minimumAge: "", specimens: "decline" };
    expect((await admin.post(`/admin/integrations/${shop.id}/policy`, policy)).location).toBe(`/admin/integrations/${shop.id}?done=policy`);
    expect(await server.services.policies.current(shop.id)).toMatchObject({ version: 2, face: { threshold: 0.62, reviewFrom: 0.55 }, minimumAge: null, specimens: "decline" });
    const shown = await admin.get(`/admin/integrations/${shop.id}?done=policy`);
    expect(shown.text).toMatch(/Version 2, made [\d-]+ [\d:]+ UTC by ops@example\.com\./);

    for (const [change, reason] of [
      [{ faceThreshold: "high" }, "The face similarity threshold must be a number such as 0.58, got &quot;high&quot;"],
      [{ reviewFrom: "0.9" }, "the review band must start from 0 up to the face threshold (0.62), got 0.9"],
      [{ minimumAge: "12.5" }, "The minimum age must be a whole number of years"],
      [{ minimumAge: "200" }, "the minimum age must be a whole number of years from 1 to 125"],
    ] as const) {
      const refused = await admin.post(`/admin/integrations/${shop.id}/policy`, { ...policy, ...change });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain(reason);
    }
    expect((await server.services.policies.current(shop.id)).version).toBe(2);
    const events = await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", shop.id).where("type", "=", "integration.policy_changed").execute();
    expect(events.map((e) => [e.actor, JSON.parse(e.data).reviewerId])).toEqual([["reviewer", adminId]]);
  });

  it("sends a signed test webhook and shows the receiver's answer", async () => {
    const receiver: Receiver = await startReceiver({ answer: () => ({ status: 202, body: "thanks, got it" }) });
    try {
      const shop = await server.integration({ name: "hooked", isTest: true, decisionWebhookUrl: receiver.url });
      await admin.get(`/admin/integrations/${shop.id}`);
      const sent = await admin.post(`/admin/integrations/${shop.id}/test-webhook`, {});
      expect(sent.status).toBe(200);
      expect(sent.text).toContain("HTTP 202");
      expect(sent.text).toContain("thanks, got it");
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.json).toMatchObject({ verification: { code: 9121, vendorData: "earthid-test-webhook" } });
      expect(receiver.received[0]!.headers["x-auth-client"]).toBe(shop.apiKey);
      const none = await server.integration({ name: "silent" });
      await admin.get(`/admin/integrations/${none.id}`);
      const noUrl = await admin.post(`/admin/integrations/${none.id}/test-webhook`, {});
      expect(noUrl.status).toBe(400);
      expect(noUrl.text).toContain("no webhook URL");
    } finally {
      await receiver.close();
    }
  });

  it("a reviewer is refused an integration's page, its edit and its test webhook by URL", async () => {
    const shop = await server.integration({ name: "closed" });
    const reviewer = formClient(server.url);
    await makeReviewer(server, "rev2@example.com", "reviewer");
    await reviewer.logIn("rev2@example.com");
    const page = await reviewer.get(`/admin/integrations/${shop.id}`);
    expect(page.status).toBe(403);
    expect(page.text).toContain("administrators only");
    expect((await reviewer.post(`/admin/integrations/${shop.id}`, { name: "taken over" })).status).toBe(403);
    expect((await reviewer.post(`/admin/integrations/${shop.id}/test-webhook`, {})).status).toBe(403);
    expect((await reviewer.post(`/admin/integrations/${shop.id}/policy`, { faceThreshold: "0.1", reviewFrom: "0.1", minimumAge: "", specimens: "flag" })).status).toBe(403);
    expect((await server.services.policies.current(shop.id)).version).toBe(1);
    expect((await server.services.integrations.getIntegration(shop.id))!.name).toBe("closed");
  });
});
