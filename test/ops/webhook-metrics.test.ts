import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { sample } from "./prometheus.js";

const attempts = (kind: string, outcome: string) => `earthid_webhook_attempts_total{kind="${kind}",outcome="${outcome}"}`;
const metricsText = async (server: TestServer) => (await fetch(`${server.url}/metrics`)).text();

describe(`webhook metrics in /metrics, on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    // /flaky fails its first request only; /gone answers 410 (given up at once).
    let flaky = 0;
    receiver = await startReceiver({ answer: (r) => ({ status: r.path === "/gone" ? 410 : r.path === "/flaky" && flaky++ === 0 ? 503 : 200 }) });
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_RETRY_DELAYS: "0.1", EARTHID_WEBHOOK_POLL_MS: "50" });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("counts every attempt by kind and outcome, and times it", async () => {
    const before = await metricsText(server);
    // Declared from the start, at zero.
    expect(before).toContain(`${attempts("event", "gave_up")} 0`);

    const gone = await server.integration({ isTest: true, decisionWebhookUrl: `${receiver.url}/ok`, eventWebhookUrl: `${receiver.url}/gone` });
    const flaky = await server.integration({ isTest: true, decisionWebhookUrl: `${receiver.url}/flaky` });
    const sessions: string[] = [];
    for (const shop of [gone, flaky]) {
      const created = await shop.api.createSession({ person: { firstName: "Approve" } });
      sessions.push(created.body.verification.id);
      await server.services.lifecycle.submit({ sessionId: created.body.verification.id, actor: { kind: "operator" } });
      await server.services.jobs.settled(created.body.verification.id);
    }
    const db = server.services.store.db;
    const rows = () => db.selectFrom("webhook_deliveries").selectAll().where("session_id", "in", sessions).execute();
    await expect.poll(async () => (await rows()).every((r) => r.status !== "pending"), { timeout: 5000 }).toBe(true);
    const final = await rows();
    const events = final.filter((r) => r.kind === "event");
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((r) => r.status === "failed" && r.attempts === 1)).toBe(true);
    const made = final.reduce((sum, r) => sum + r.attempts, 0);

    const after = await metricsText(server);
    const moved = (series: string) => sample(after, series) - sample(before, series);
    expect(moved(attempts("decision", "delivered"))).toBe(2);
    expect(moved(attempts("decision", "failed_retrying"))).toBe(1);
    expect(moved(attempts("event", "gave_up"))).toBe(events.length);
    expect(moved(attempts("event", "delivered")) + moved(attempts("event", "failed_retrying")) + moved(attempts("decision", "gave_up"))).toBe(0);
    expect(moved("earthid_webhook_delivery_seconds_count")).toBe(made);
    expect(moved('earthid_webhook_delivery_seconds_bucket{le="+Inf"}')).toBe(made);
  });
});
