import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCli, runCli } from "../support/built-cli.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, startReceiver, until } from "./receiver.js";

const FIELDS = ["id", "sessionId", "kind", "code", "url", "status", "attempts", "lastStatusCode", "lastError", "lastAttemptAt", "nextAttemptAt", "deliveredAt", "createdAt"];

describe(`earthid webhooks list / resend on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let sessionId: string;
  const ofSession = (id: string) => receiver.received.filter((r) => (r.json?.id ?? r.json?.verification?.id) === id);

  beforeAll(async () => {
    // The CLI runs as a child process, compiled from src/ (slow the first time).
    await builtCli();
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "100" });
    const shop = await server.integration({ name: "shop", isTest: true, decisionWebhookUrl: `${receiver.url}/decision`, eventWebhookUrl: `${receiver.url}/events` });
    const created = await shop.api.createSession({ person: { firstName: "Approve" } });
    sessionId = created.body.verification.id;
    await server.services.lifecycle.submit({ sessionId, actor: { kind: "operator" } });
    await server.services.jobs.settled(sessionId);
    const db = server.services.store.db;
    await until(async () => (await db.selectFrom("webhook_deliveries").select("status").where("session_id", "=", sessionId).execute()).every((r) => r.status === "delivered"));
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("lists and re-sends from the CLI, for the operator", async () => {
    const listed = await runCli(["webhooks", "list", "--session", sessionId, "--json"], server.env);
    expect(listed.stderr).toBe("");
    expect(listed.code).toBe(0);
    const deliveries = JSON.parse(listed.stdout);
    expect(deliveries.map((d: any) => d.code).sort()).toEqual([7001, 7002, 9001]);
    expect(Object.keys(deliveries[0])).toEqual(FIELDS);

    const text = await runCli(["webhooks", "list", "--session", sessionId], server.env);
    expect(text.stdout).toContain(`${deliveries[0].id}  ${deliveries[0].code} ${deliveries[0].kind}  delivered`);

    const event = deliveries.find((d: any) => d.code === 7001);
    const before = ofSession(sessionId).filter((r) => r.headers["x-earthid-delivery-id"] === event.id).length;
    const resent = await runCli(["webhooks", "resend", event.id], server.env);
    expect(resent.code).toBe(0);
    expect(resent.stdout).toContain(`delivery ${event.id} queued again`);
    // The CLI only re-queues; the running service's dispatcher finds it on its next poll.
    await receiver.waitFor(() => ofSession(sessionId).filter((r) => r.headers["x-earthid-delivery-id"] === event.id).length === before + 1);

    const missing = await runCli(["webhooks", "resend", "00000000-0000-4000-8000-000000000000"], server.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("earthid: Webhook delivery not found\n");
    const usage = await runCli(["webhooks", "resend"], server.env);
    expect(usage.code).toBe(2);
  }, 120_000);
});
