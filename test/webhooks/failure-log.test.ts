import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttemptOutcome, WebhookRequest } from "../../src/webhooks/delivery.js";
import { webhookDispatcher } from "../../src/webhooks/dispatcher.js";
import { deliveryRepo } from "../../src/webhooks/repo.js";
import { signingKeysOf } from "../../src/webhooks/task.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { until } from "./receiver.js";

/** Issue 15, item 1: a webhook that cannot be delivered says so in the server log. */
describe(`the server log of failed webhook attempts, on ${storeKind}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_WEBHOOK_POLL_MS: "60000" });
    // The server's own dispatcher stays out of it: the test's dispatcher takes these rows.
    await server.app.close();
  });
  afterAll(() => server.close());

  it("warns at each failed attempt (ids, reason, next attempt) and says clearly when a delivery gives up; never the body or a secret", async () => {
    const { services } = server;
    const shop = await server.integration({ name: "logged" });
    const secretInPayload = "Maasikas-personal-data";
    const sessions = [randomUUID(), randomUUID()];
    const item = (sessionId: string, url: string) => ({ integrationId: shop.id, url, sessionId, kind: "decision" as const, code: 9001, payload: { person: secretInPayload } });
    const [retried, gone] = await services.store.db.transaction().execute((trx) => services.outbox.enqueue(trx, [item(sessions[0]!, "http://127.0.0.1:9/refusing?token=url-secret"), item(sessions[1]!, "http://127.0.0.1:9/gone")]));
    const answers: Record<string, AttemptOutcome> = {
      "/refusing?token=url-secret": { statusCode: null, error: "connect ECONNREFUSED 127.0.0.1:9", durationMs: 1 },
      "/gone": { statusCode: 410, error: null, durationMs: 1 },
    };
    const lines: { level: string; details: Record<string, unknown>; message: string }[] = [];
    const log = {
      warn: (details: object, message: string) => void lines.push({ level: "warn", details: details as Record<string, unknown>, message }),
      error: (details: object, message: string) => void lines.push({ level: "error", details: details as Record<string, unknown>, message }),
    };
    // A fixed moment after the rows were written, so that they are due.
    const at = Date.now() + 1000;
    const dispatcher = webhookDispatcher({
      repo: deliveryRepo(services.store),
      onWake: services.outbox.onWake,
      signingKeys: signingKeysOf(services.integrations),
      masterKey: services.masterKey,
      send: async (request: WebhookRequest) => answers[new URL(request.url).pathname + new URL(request.url).search]!,
      retry: { delaysMs: [10_000], giveUpAfterMs: 3_600_000, jitter: 0 },
      leaseMs: 60_000,
      concurrency: 2,
      pollMs: 60_000,
      log: log as never,
      now: () => at,
    });
    dispatcher.start();
    await until(() => lines.length === 2);
    await dispatcher.stop();

    const warning = lines.find((l) => l.details.deliveryId === retried)!;
    expect(warning.level).toBe("warn");
    expect(warning.message).toBe("webhook delivery failed; it will be tried again");
    expect(warning.details).toMatchObject({ sessionId: sessions[0], reason: "connect ECONNREFUSED 127.0.0.1:9", attempt: 1, nextAttemptAt: new Date(at + 10_000).toISOString() });
    const gaveUp = lines.find((l) => l.details.deliveryId === gone)!;
    expect(gaveUp.level).toBe("error");
    expect(gaveUp.message).toBe("webhook delivery gave up after 1 attempt(s); it will not be sent again unless resent");
    expect(gaveUp.details).toMatchObject({ sessionId: sessions[1], reason: "HTTP 410" });
    expect(gaveUp.details).not.toHaveProperty("nextAttemptAt");
    const written = JSON.stringify(lines);
    for (const secret of [secretInPayload, "url-secret", shop.sharedSecret, shop.apiKey]) expect(written).not.toContain(secret);
  });
});
