import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttemptOutcome, WebhookRequest } from "../../src/webhooks/delivery.js";
import { webhookDispatcher } from "../../src/webhooks/dispatcher.js";
import { deliveryRepo } from "../../src/webhooks/repo.js";
import { signingKeysOf } from "../../src/webhooks/task.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { until } from "./receiver.js";

const silent = { error() {}, warn() {} };

/** The dispatcher on the real store, with a sender the test holds: what happens when it stops. */
describe(`the dispatcher's stop on ${storeKind}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    // The server's own dispatcher must not take these rows: its integration has no webhook URLs and
    // these rows are written straight to the outbox, so it is stopped for this test.
    server = await startTestServer({ EARTHID_WEBHOOK_POLL_MS: "60000" });
  });
  afterAll(() => server.close());

  it("finishes and records the request under way, and gives back the rows it had claimed but not started", async () => {
    await server.app.close();
    const { services } = server;
    const shop = await server.integration({ name: "held" });
    const items = Array.from({ length: 5 }, () => ({ integrationId: shop.id, url: "http://127.0.0.1:9/hook", sessionId: randomUUID(), kind: "decision" as const, code: 9001, payload: { ok: true } }));
    const ids = await services.store.db.transaction().execute((trx) => services.outbox.enqueue(trx, items));

    const requests: WebhookRequest[] = [];
    let answer: (outcome: AttemptOutcome) => void = () => {};
    const send = (request: WebhookRequest) => {
      requests.push(request);
      return new Promise<AttemptOutcome>((resolve) => (answer = resolve));
    };
    const dispatcher = webhookDispatcher({
      repo: deliveryRepo(services.store),
      onWake: services.outbox.onWake,
      signingKeys: signingKeysOf(services.integrations),
      masterKey: services.masterKey,
      send,
      retry: { delaysMs: [1000], giveUpAfterMs: 60_000 },
      leaseMs: 60_000,
      concurrency: 1,
      pollMs: 60_000,
      log: silent,
    });
    dispatcher.start();
    await until(() => requests.length === 1);
    const rows = () => services.store.db.selectFrom("webhook_deliveries").selectAll().where("id", "in", ids).execute();
    // One in flight, one more claimed and waiting for the slot.
    expect((await rows()).filter((r) => r.claimed_until !== null)).toHaveLength(2);

    const stopping = dispatcher.stop();
    answer({ statusCode: 200, error: null, durationMs: 5 });
    await stopping;
    expect(requests).toHaveLength(1);
    const after = await rows();
    const sent = after.find((r) => r.id === requests[0]!.headers["x-earthid-delivery-id"])!;
    expect(sent).toMatchObject({ status: "delivered", attempts: 1, claimed_until: null, last_status_code: 200 });
    const others = after.filter((r) => r !== sent);
    expect(others.every((r) => r.status === "pending" && r.claimed_until === null && r.attempts === 0)).toBe(true);
  });
});
