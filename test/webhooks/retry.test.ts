import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { afterFailure } from "../../src/webhooks/retry.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, allSigned, closedPort, signatureChecks, startReceiver } from "./receiver.js";

const MIN = 60_000;
const policy = { delaysMs: [10_000, MIN, 5 * MIN, 30 * MIN, 60 * MIN], giveUpAfterMs: 7 * 24 * 60 * MIN };

describe("the retry schedule", () => {
  const created = 1_000_000;
  /** How long after a failure at `created` the next attempt comes, `attempts` made so far. */
  const delayAfter = (attempts: number, random?: () => number) => {
    const next = afterFailure({ ...policy, random }, { createdAt: created, attempts }, { at: created, statusCode: 503 });
    if (next.status !== "pending") throw new Error(`expected a retry, got ${next.status}`);
    return next.nextAttemptAt - created;
  };

  it("grows from 10 s to hourly, then stays hourly, each delay within 10% of the schedule", () => {
    const schedule: [attempts: number, delay: number][] = [[1, 10_000], [2, MIN], [3, 5 * MIN], [4, 30 * MIN], [5, 60 * MIN], [90, 60 * MIN]];
    for (const [attempts, delay] of schedule) {
      for (let i = 0; i < 50; i++) {
        const actual = delayAfter(attempts);
        expect(Number.isInteger(actual)).toBe(true);
        expect(actual).toBeGreaterThanOrEqual(delay * 0.9);
        expect(actual).toBeLessThanOrEqual(delay * 1.1);
      }
    }
    expect(delayAfter(1, () => 0)).toBe(9_000);
    expect(delayAfter(1, () => 0.5)).toBe(10_000);
    expect(delayAfter(1, () => 0.999_999)).toBe(11_000);
  });

  it("spreads the retries of deliveries that failed together", () => {
    const delays = Array.from({ length: 200 }, () => delayAfter(1));
    expect(new Set(delays).size).toBeGreaterThan(100);
    expect(Math.min(...delays)).toBeLessThan(9_500);
    expect(Math.max(...delays)).toBeGreaterThan(10_500);
  });

  it("makes a last attempt at the 7-day mark and fails after it", () => {
    const deadline = policy.giveUpAfterMs;
    const at = (ms: number) => ({ at: ms, statusCode: null });
    expect(afterFailure(policy, { createdAt: 0, attempts: 170 }, at(deadline - 10 * MIN))).toEqual({ status: "pending", nextAttemptAt: deadline });
    expect(afterFailure(policy, { createdAt: 0, attempts: 171 }, at(deadline))).toEqual({ status: "failed" });
  });

  it("gives up at once on 410 Gone, and only on it", () => {
    const after = (statusCode: number) => afterFailure({ ...policy, random: () => 0.5 }, { createdAt: 0, attempts: 1 }, { at: 0, statusCode });
    expect(after(410)).toEqual({ status: "failed" });
    for (const code of [400, 401, 404, 409, 429, 500, 503]) expect(after(code)).toEqual({ status: "pending", nextAttemptAt: 10_000 });
  });
});

describe(`a receiver that is down, then failing, then back, on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_RETRY_DELAYS: "0.1,0.2,0.4", EARTHID_WEBHOOK_POLL_MS: "50" });
  });
  afterAll(async () => {
    await server.close();
    await receiver?.close();
  });

  it("receives every webhook once it answers 2xx again, signed the same way", async () => {
    const port = await closedPort();
    const shop = await server.integration({ isTest: true, decisionWebhookUrl: `http://127.0.0.1:${port}/d`, eventWebhookUrl: `http://127.0.0.1:${port}/e` });
    const sessions: string[] = [];
    for (const firstName of ["Approve", "Decline", "Resubmit", "Someone"]) {
      const created = await shop.api.createSession({ person: { firstName } });
      sessions.push(created.body.verification.id);
      await server.services.lifecycle.submit({ sessionId: created.body.verification.id, actor: { kind: "operator" } });
    }
    // Each decision comes from its assessment job.
    await Promise.all(sessions.map((id) => server.services.jobs.settled(id)));
    const db = server.services.store.db;
    const ids = (await db.selectFrom("webhook_deliveries").select("id").where("session_id", "in", sessions).execute()).map((r) => r.id);
    expect(ids).toHaveLength(12);

    // Connection refused: attempts pile up, each recorded with its error.
    await expect.poll(async () => Number((await db.selectFrom("webhook_attempts").select((eb) => eb.fn.countAll().as("n")).where("delivery_id", "in", ids).executeTakeFirstOrThrow()).n), { timeout: 5000 }).toBeGreaterThanOrEqual(24);
    const refused = await db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "in", ids).execute();
    expect(refused.every((a) => a.status_code === null && /ECONNREFUSED/.test(a.error ?? ""))).toBe(true);

    // Back up on the same port, answering 500 to the first 20 requests.
    receiver = await startReceiver({ port, answer: (_, index) => ({ status: index < 20 ? 500 : 200 }) });
    const all = await receiver.waitFor((received) => ids.every((id) => received.some((r, i) => i >= 20 && r.headers["x-earthid-delivery-id"] === id)), 15_000);
    for (const request of all) expect(signatureChecks(shop.sharedSecret, request)).toEqual(allSigned);
    await expect.poll(async () => (await db.selectFrom("webhook_deliveries").select("status").where("id", "in", ids).execute()).every((r) => r.status === "delivered"), { timeout: 5000 }).toBe(true);

    const rows = await db.selectFrom("webhook_deliveries").selectAll().where("id", "in", ids).execute();
    for (const row of rows) {
      expect(row.last_status_code).toBe(200);
      expect(row.last_error).toBeNull();
      const attempts = await db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "=", row.id).orderBy("number").execute();
      expect(attempts.map((a) => a.number)).toEqual(attempts.map((_, i) => i + 1));
      expect(attempts.length).toBe(row.attempts);
      expect(attempts.at(-1)!.status_code).toBe(200);
      // The attempt number sent is the one recorded.
      const last = all.filter((r) => r.headers["x-earthid-delivery-id"] === row.id).at(-1)!;
      expect(last.headers["x-earthid-attempt"]).toBe(String(row.attempts));
    }
    expect(all.filter((r) => r.headers["x-earthid-attempt"] !== "1").length).toBeGreaterThan(0);
    const failedWith500 = await db.selectFrom("webhook_attempts").select("error").where("delivery_id", "in", ids).where("status_code", "=", 500).execute();
    expect(failedWith500.length).toBeGreaterThan(0);
    expect(failedWith500.every((a) => a.error === "HTTP 500")).toBe(true);
  });
});

describe(`EARTHID_WEBHOOK_RETRY_JITTER_PERCENT=0, on ${storeKind}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_RETRY_DELAYS: "30", EARTHID_WEBHOOK_RETRY_JITTER_PERCENT: "0", EARTHID_WEBHOOK_POLL_MS: "50" });
  });
  afterAll(() => server.close());

  it("schedules each retry exactly on the configured delay", async () => {
    const port = await closedPort();
    const shop = await server.integration({ isTest: true, eventWebhookUrl: `http://127.0.0.1:${port}/e` });
    const created = await shop.api.createSession({});
    await server.services.lifecycle.submit({ sessionId: created.body.verification.id, actor: { kind: "operator" } });
    const db = server.services.store.db;
    const failed = () => db.selectFrom("webhook_deliveries").selectAll().where("session_id", "=", created.body.verification.id).where("attempts", ">", 0).where("claimed_until", "is", null).execute();
    await expect.poll(async () => (await failed()).length, { timeout: 5000 }).toBeGreaterThan(0);
    for (const row of await failed()) expect(row.next_attempt_at - row.last_attempt_at!).toBe(30_000);
  });
});

describe(`giving up, and timeouts, on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    const answers: Record<string, { status: number; delayMs?: number }> = { "/slow": { status: 200, delayMs: 3000 }, "/gone": { status: 410 }, "/not-found": { status: 404 } };
    receiver = await startReceiver({ answer: (r) => answers[r.path] ?? { status: 503 } });
    server = await startTestServer({
      EARTHID_WEBHOOK_ALLOW_PRIVATE: "1",
      EARTHID_WEBHOOK_RETRY_DELAYS: "0.2",
      EARTHID_WEBHOOK_RETRY_FOR_SECONDS: "1",
      EARTHID_WEBHOOK_TIMEOUT_SECONDS: "1",
      EARTHID_WEBHOOK_POLL_MS: "50",
    });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const deliveriesOf = async (url: string) => {
    const shop = await server.integration({ isTest: true, decisionWebhookUrl: url });
    const created = await shop.api.createSession({ person: { firstName: "Decline" } });
    await server.services.lifecycle.submit({ sessionId: created.body.verification.id, actor: { kind: "operator" } });
    await server.services.jobs.settled(created.body.verification.id);
    return () => server.services.store.db.selectFrom("webhook_deliveries").selectAll().where("session_id", "=", created.body.verification.id).executeTakeFirstOrThrow();
  };

  it("marks a delivery failed once its retry window has passed", async () => {
    const row = await deliveriesOf(`${receiver.url}/always-503`);
    await expect.poll(async () => (await row()).status, { timeout: 5000 }).toBe("failed");
    const final = await row();
    expect(final.attempts).toBeGreaterThanOrEqual(3);
    expect(final.last_status_code).toBe(503);
    expect(final.last_error).toBe("HTTP 503");
    expect(final.claimed_until).toBeNull();
    // The last attempt was made at the deadline, not skipped.
    expect(final.last_attempt_at!).toBeGreaterThanOrEqual(final.created_at + 1000);
  });

  it("stops at the first 410 Gone: failed with the 410 recorded, never tried again", async () => {
    const row = await deliveriesOf(`${receiver.url}/gone`);
    await expect.poll(async () => (await row()).status, { timeout: 5000 }).toBe("failed");
    const final = await row();
    expect(final).toMatchObject({ attempts: 1, last_status_code: 410, last_error: "HTTP 410", claimed_until: null });
    // Given up long before the retry window (1 s) ended.
    expect(final.last_attempt_at!).toBeLessThan(final.created_at + 1000);
    // Past the retry delay (0.2 s) and the window: still the one request, and the row unchanged. A
    // delivery that fails with 404, created after it, is retried until its own, later, window ends:
    // once it has given up, the dispatcher has been past the first one's window.
    const later = await deliveriesOf(`${receiver.url}/not-found`);
    await expect.poll(async () => (await later()).status, { timeout: 5000 }).toBe("failed");
    expect((await later()).attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.received.filter((r) => r.headers["x-earthid-delivery-id"] === final.id)).toHaveLength(1);
    expect(await row()).toEqual(final);
  });

  it("keeps retrying any other 4xx on the schedule", async () => {
    const row = await deliveriesOf(`${receiver.url}/not-found`);
    await expect.poll(async () => (await row()).attempts, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    expect((await row()).last_status_code).toBe(404);
  });

  it("counts a receiver that does not answer within the timeout as a failed attempt", async () => {
    const row = await deliveriesOf(`${receiver.url}/slow`);
    await expect.poll(async () => (await row()).attempts > 0 && (await row()).claimed_until === null, { timeout: 5000 }).toBe(true);
    const first = await server.services.store.db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "=", (await row()).id).where("number", "=", 1).executeTakeFirstOrThrow();
    expect(first.status_code).toBeNull();
    expect(first.error).toBe("timeout: no complete response within 1000 ms");
    expect(first.duration_ms).toBeGreaterThanOrEqual(990);
    expect(first.duration_ms).toBeLessThan(2000);
  });
});
