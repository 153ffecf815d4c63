import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, startReceiver } from "./receiver.js";
import { createSession, expectOk, lifecycle, storedSession } from "../lifecycle/helpers.js";

/** Deliveries of erased sessions do not stay for ever: their rows and attempts go at the next sweep. */
describe(`retention of webhook deliveries (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;

  beforeAll(async () => {
    receiver = await startReceiver();
    // The sweepers run when the test says, not on their own.
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_SWEEP_INTERVAL_SECONDS: "86400" });
    shop = await server.integration({ name: "shop", isTest: true, decisionWebhookUrl: `${receiver.url}/decision`, eventWebhookUrl: `${receiver.url}/event` });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  async function decided(firstName: string): Promise<string> {
    const id = await createSession(shop, { person: { firstName, lastName: "Saar" } });
    expectOk(await lifecycle(shop).submit(id));
    await receiver.waitFor((all) => all.some((r) => r.path === "/decision" && r.json?.verification?.id === id));
    return id;
  }

  it("removes an erased session's deliveries and their attempts, and keeps every other session's", async () => {
    const erased = await decided("Approve");
    const kept = await decided("Approve");
    const before = await storedSession(server, erased);
    expect(before.deliveries.length).toBeGreaterThanOrEqual(2);
    expectOk(await lifecycle(shop).remove(erased));
    // Erased bodies are visible as such until the sweep.
    expect((await storedSession(server, erased)).deliveries.every((d) => d.payload_sealed === null)).toBe(true);

    expect(await server.services.webhooks.removeErasedDeliveries(1)).toBe(before.deliveries.length);
    expect((await storedSession(server, erased)).deliveries).toEqual([]);
    const attempts = await server.services.store.db.selectFrom("webhook_attempts").select("delivery_id").where("delivery_id", "in", before.deliveries.map((d) => d.id)).execute();
    expect(attempts).toEqual([]);
    const other = await storedSession(server, kept);
    expect(other.deliveries.length).toBeGreaterThanOrEqual(2);
    expect(other.deliveries.every((d) => d.payload_sealed !== null)).toBe(true);
    expect(await server.services.webhooks.removeErasedDeliveries()).toBe(0);
  });
});
