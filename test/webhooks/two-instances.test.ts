import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/http.js";
import { loadConfig } from "../../src/config.js";
import type { Services } from "../../src/app/compose.js";
import { migratedServices, storeKind, testEnvironment } from "../support/server.js";
import { type Receiver, startReceiver, until } from "./receiver.js";

interface Instance {
  services: Services;
  app: FastifyInstance;
}

/**
 * Two service instances on one database, each with its own dispatcher, polling often and woken
 * together, so that they race for the same rows. Every webhook must reach the receiver once.
 */
describe(`two instances on one ${storeKind} database`, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  let receiver: Receiver;
  const instances: Instance[] = [];
  let integrationId: string;

  beforeAll(async () => {
    // Slow, jittery answers keep many deliveries in flight on both sides at once.
    receiver = await startReceiver({ answer: () => ({ status: 200, delayMs: Math.floor(Math.random() * 15) }) });
    environment = await testEnvironment({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "20", EARTHID_WEBHOOK_CONCURRENCY: "8" });
    for (let i = 0; i < 2; i++) {
      const config = loadConfig(environment.env);
      const { app, services } = await buildApp(config, migratedServices(config));
      await app.ready();
      instances.push({ services, app });
    }
    const integration = await instances[0]!.services.integrations.createIntegration({ name: "shared", isTest: true, decisionWebhookUrl: `${receiver.url}/d`, eventWebhookUrl: `${receiver.url}/e` });
    integrationId = integration.id;
  });
  afterAll(async () => {
    for (const { app, services } of instances) {
      await app.close();
      await services.close();
    }
    await receiver.close();
    await environment.cleanup();
  });

  /** Every row of `ids` recorded as delivered, none leased: nothing of them can be sent any more. */
  const allRecorded = (ids: string[]) => async () =>
    (await instances[0]!.services.store.db.selectFrom("webhook_deliveries").select("id").where("id", "in", ids).where((eb) => eb.or([eb("status", "!=", "delivered"), eb("claimed_until", "is not", null)])).execute()).length === 0;

  const countsById = () => {
    const counts = new Map<string, number>();
    for (const r of receiver.received) {
      const id = String(r.headers["x-earthid-delivery-id"]);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };

  it("delivers each of 400 webhooks exactly once while both dispatchers compete for them", async () => {
    const [a, b] = instances as [Instance, Instance];
    const ids: string[] = [];
    for (let round = 0; round < 4; round++) {
      const writer = round % 2 === 0 ? a : b;
      const items = Array.from({ length: 100 }, (_, i) => ({
        integrationId,
        url: `${receiver.url}/d`,
        sessionId: randomUUID(),
        kind: "decision" as const,
        code: 9001,
        payload: { round, i, status: "success" },
      }));
      ids.push(...(await writer.services.store.db.transaction().execute((trx) => writer.services.outbox.enqueue(trx, items))));
      // Both are told at the same moment: neither has the rows to itself.
      a.services.outbox.wake();
      b.services.outbox.wake();
      // The next round once this one is being claimed: rounds overlap, as traffic does.
      const roundIds = ids.slice(-100);
      await until(async () => (await writer.services.store.db.selectFrom("webhook_deliveries").select("id").where("id", "in", roundIds).where("attempts", ">", 0).execute()).length > 0);
    }
    await receiver.waitFor(() => ids.every((id) => countsById().has(id)), 80_000);
    // Every row recorded delivered and no lease left: no dispatcher can send any of them again.
    const db = a.services.store.db;
    await until(allRecorded(ids), 30_000);

    const counts = countsById();
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    const attempts = await db.selectFrom("webhook_attempts").select(["delivery_id", "number"]).where("delivery_id", "in", ids).execute();
    expect(attempts).toHaveLength(ids.length);
    expect(attempts.every((x) => x.number === 1)).toBe(true);
  }, 120_000);

  it("shares real lifecycle traffic: sessions decided through either instance, each webhook once", async () => {
    const [a, b] = instances as [Instance, Instance];
    const sessionIds: string[] = [];
    const integration = await a.services.integrations.getIntegration(integrationId);
    const auth = (await a.services.integrations.findByApiKey(integration!.apiKey))!;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const instance = i % 2 === 0 ? a : b;
        const response = await instance.app.inject({
          method: "POST",
          url: "/earthid/api/sessions",
          headers: { "content-type": "application/json", "x-auth-client": auth.apiKey },
          payload: JSON.stringify({ verification: { vendorData: `s${i}`, person: { firstName: i % 3 === 0 ? "Approve" : "Decline" } } }),
        });
        const sessionId = response.json().verification.id as string;
        sessionIds.push(sessionId);
        await instance.services.lifecycle.submit({ sessionId, actor: { kind: "operator" } });
      }),
    );
    // Either instance may run a session's assessment job; the one that does reports it.
    await Promise.all(sessionIds.map((id) => Promise.race([a.services.jobs.settled(id), b.services.jobs.settled(id)])));
    const ids = (await a.services.store.db.selectFrom("webhook_deliveries").select("id").where("session_id", "in", sessionIds).execute()).map((r) => r.id);
    expect(ids).toHaveLength(120);
    await receiver.waitFor(() => ids.every((id) => countsById().has(id)), 60_000);
    await until(allRecorded(ids), 30_000);
    const counts = countsById();
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
  }, 90_000);
});
