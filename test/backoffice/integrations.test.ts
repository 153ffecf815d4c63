import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backofficeDepsFor } from "../../src/backoffice/adapter.js";
import { operations } from "../../src/backoffice/operations.js";
import { apiClient } from "../support/client.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { createSession } from "../lifecycle/helpers.js";
import { formClient, makeReviewer } from "./support.js";

/** Administrators run integrations from the back-office; every secret shown or changed is audited. */
describe(`back-office integrations (${storeKind})`, () => {
  let server: TestServer;
  let admin: ReturnType<typeof formClient>;
  let adminId: string;

  beforeAll(async () => {
    server = await startTestServer();
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
});
