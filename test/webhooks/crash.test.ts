import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type Services, composeServices } from "../../src/app/compose.js";
import { builtCli, type ChildServer, spawnServer } from "../support/built-cli.js";
import { apiClient } from "../support/client.js";
import { silentLog, storeKind, testEnvironment } from "../support/server.js";
import { type Receiver, startReceiver, until } from "./receiver.js";

const SESSIONS = 60;
/** At most 40 deliveries a second (50 ms each, 2 at a time): the kill always finds a backlog. */
const CONCURRENCY = 2;

/**
 * `earthid serve` is SIGKILLed while its dispatcher has deliveries in flight; a new process on the
 * same store must deliver every webhook anyway. Rows the dead process had claimed come back when
 * their lease (3 × the 1 s timeout here) runs out. Receivers may see a row twice (at least once),
 * never not at all.
 */
describe(`webhooks survive SIGKILL of the server on ${storeKind}`, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  let receiver: Receiver;
  let services: Services;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    await builtCli();
    // Every answer takes a while, so that the kill finds deliveries in flight.
    receiver = await startReceiver({ answer: () => ({ status: 200, delayMs: 50 }) });
    environment = await testEnvironment({
      EARTHID_WEBHOOK_ALLOW_PRIVATE: "1",
      EARTHID_WEBHOOK_TIMEOUT_SECONDS: "1",
      EARTHID_WEBHOOK_POLL_MS: "100",
      EARTHID_WEBHOOK_RETRY_DELAYS: "0.2",
      EARTHID_WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    });
    // The test's own services on the same store drive the sessions, as another instance would.
    services = composeServices(loadConfig(environment.env), { log: silentLog });
    await services.store.migrate();
  });
  afterAll(async () => {
    for (const server of servers) server.process.kill("SIGKILL");
    await Promise.all(servers.map((server) => server.exited));
    await services?.close();
    await receiver?.close();
    await environment?.cleanup();
  });

  it("delivers every webhook after a restart, none lost", async () => {
    const shop = await services.integrations.createIntegration({ name: "shop", isTest: true, decisionWebhookUrl: `${receiver.url}/d`, eventWebhookUrl: `${receiver.url}/e` });
    const first = await spawnServer(environment.env);
    servers.push(first);
    const api = apiClient(first.url, shop.apiKey, shop.sharedSecret);

    const sessionIds: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const created = await api.createSession({ person: { firstName: i % 2 === 0 ? "Approve" : "Decline" }, vendorData: `crash-${i}` });
      expect(created.status).toBe(201);
      sessionIds.push(created.body.verification.id);
    }
    // Written here, delivered there: the child finds the rows on its poll.
    for (const sessionId of sessionIds) await services.lifecycle.submit({ sessionId, actor: { kind: "operator" } });
    // The decisions come from the assessment jobs, which the child runs too: started, submitted, decided.
    const deliveries = async () => (await services.store.db.selectFrom("webhook_deliveries").select("id").where("session_id", "in", sessionIds).execute()).map((r) => r.id);
    await until(async () => (await deliveries()).length === SESSIONS * 3, 30_000, "every session decided");
    const ids = await deliveries();

    // Kill on a receipt: the receiver holds its answer 50 ms, so that delivery (at least) is in flight.
    const afterSubmits = receiver.received.length;
    await receiver.waitFor((r) => r.length >= Math.max(ids.length / 3, afterSubmits + 4), 30_000);
    first.process.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const atKill = receiver.received.length;
    expect(atKill).toBeLessThan(ids.length);
    const claimedByTheDead = await services.store.db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("id", "in", ids)
      .where("status", "=", "pending")
      .where("claimed_until", ">", Date.now())
      .execute();
    // The kill interrupted deliveries: rows are leased to a process that no longer exists.
    expect(claimedByTheDead.length).toBeGreaterThan(0);

    const second = await spawnServer(environment.env);
    servers.push(second);
    const received = () => new Set(receiver.received.map((r) => String(r.headers["x-earthid-delivery-id"])));
    await receiver.waitFor(() => ids.every((id) => received().has(id)), 60_000);
    await until(async () => (await services.store.db.selectFrom("webhook_deliveries").select("id").where("id", "in", ids).where("status", "!=", "delivered").execute()).length === 0, 30_000, "all delivered");

    // At least once: only rows leased to the dead process may have arrived twice, and it never
    // holds more than twice its concurrency.
    const counts = new Map<string, number>();
    for (const r of receiver.received) counts.set(String(r.headers["x-earthid-delivery-id"]), (counts.get(String(r.headers["x-earthid-delivery-id"])) ?? 0) + 1);
    const repeated = [...counts.entries()].filter(([, n]) => n > 1).map(([id]) => id);
    expect(claimedByTheDead.length).toBeLessThanOrEqual(2 * CONCURRENCY);
    for (const id of repeated) expect(claimedByTheDead.map((r) => r.id)).toContain(id);
    expect(ids.every((id) => counts.get(id)! >= 1)).toBe(true);
    await second.stop();
  }, 120_000);
});
