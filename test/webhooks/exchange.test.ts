import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttemptRecord, type Claim, type DeliveryState, deliveryRepo } from "../../src/webhooks/repo.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";

/** The dispatcher's one conversation with the store: record what ended, lease what is due. */
describe(`a dispatcher's exchange with the ${storeKind} store`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_WEBHOOK_POLL_MS: "60000" });
    // The server's own dispatcher must not take these rows.
    await server.app.close();
  });
  afterAll(() => server.close());

  const enqueue = async (count: number) => {
    const { services } = server;
    const shop = await server.integration({ name: "exchange" });
    const items = Array.from({ length: count }, () => ({ integrationId: shop.id, url: "http://127.0.0.1:9/hook", sessionId: randomUUID(), kind: "decision" as const, code: 9001, payload: { ok: true } }));
    return services.store.db.transaction().execute((trx) => services.outbox.enqueue(trx, items));
  };
  const rows = (ids: string[]) => server.services.store.db.selectFrom("webhook_deliveries").selectAll().where("id", "in", ids).orderBy("created_at").execute();
  const attempts = (ids: string[]) => server.services.store.db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "in", ids).execute();
  const ended = (claim: Claim, at: number, state: DeliveryState, statusCode: number | null = 200): AttemptRecord => ({
    claim,
    attempt: { number: claim.attempt, attemptedAt: at, statusCode, error: statusCode === 200 ? null : "HTTP 500", durationMs: 3 },
    state,
  });

  it("records attempts and leases the next due rows in one go, never the rows it records", async () => {
    const ids = await enqueue(4);
    const repo = deliveryRepo(server.services.store);
    const at = Date.now();

    const first = await repo.exchange([], { limit: 2, now: at, claimedUntil: at + 60_000 });
    expect(first.claims.map((c) => c.attempt)).toEqual([1, 1]);
    const [delivered, retried] = first.claims as [Claim, Claim];

    // One succeeded; one failed and is due again at once, yet not taken back by the same exchange.
    const second = await repo.exchange([ended(delivered, at, { status: "delivered", deliveredAt: at + 1 }), ended(retried, at, { status: "pending", nextAttemptAt: at }, 500)], {
      limit: 10,
      now: at,
      claimedUntil: at + 60_000,
    });
    expect(second.lost).toEqual([]);
    const recordedIds = [delivered.row.id, retried.row.id];
    expect(second.claims.map((c) => c.row.id).sort()).toEqual(ids.filter((id) => !recordedIds.includes(id)).sort());

    const after = new Map((await rows(ids)).map((r) => [r.id, r]));
    expect(after.get(delivered.row.id)).toMatchObject({ status: "delivered", delivered_at: at + 1, claimed_until: null, attempts: 1, last_status_code: 200 });
    expect(after.get(retried.row.id)).toMatchObject({ status: "pending", next_attempt_at: at, claimed_until: null, attempts: 1, last_status_code: 500, last_error: "HTTP 500" });
    expect(await attempts(recordedIds)).toHaveLength(2);

    // The failed row is claimed by the next exchange, as its second attempt.
    const third = await repo.exchange([], { limit: 10, now: at + 1, claimedUntil: at + 60_000 });
    expect(third.claims.map((c) => [c.row.id, c.attempt])).toEqual([[retried.row.id, 2]]);
  });

  it("leaves a row whose lease passed to another dispatcher to that one, and says so", async () => {
    const [id] = await enqueue(1);
    const repo = deliveryRepo(server.services.store);
    const at = Date.now();
    const [mine] = (await repo.exchange([], { limit: 1, now: at, claimedUntil: at + 10 })).claims as [Claim];
    // The lease ran out and another dispatcher took the row.
    const [theirs] = (await repo.exchange([], { limit: 1, now: at + 20, claimedUntil: at + 60_000 })).claims as [Claim];
    expect(theirs.row.id).toBe(id);

    const late = await repo.exchange([ended(mine, at, { status: "delivered", deliveredAt: at + 30 })], { limit: 0, now: at + 30, claimedUntil: at + 60_000 });
    expect(late.lost).toEqual([id]);
    expect((await rows([id!]))[0]).toMatchObject({ status: "pending", claimed_until: at + 60_000, attempts: 2 });

    const done = await repo.exchange([ended(theirs, at + 20, { status: "delivered", deliveredAt: at + 40 })]);
    expect(done.lost).toEqual([]);
    expect((await rows([id!]))[0]).toMatchObject({ status: "delivered", claimed_until: null });
    expect((await attempts([id!])).map((a) => a.number).sort()).toEqual([1, 2]);
  });

  it("goes on exchanging when a column is added to the table under it, as a migration run by another instance would", async () => {
    const ids = await enqueue(2);
    const repo = deliveryRepo(server.services.store);
    const at = Date.now();
    const [claim] = (await repo.exchange([], { limit: 1, now: at, claimedUntil: at + 60_000 })).claims as [Claim];
    // On PostgreSQL the exchange is a prepared statement this connection already holds.
    await sql`alter table webhook_deliveries add column added_later text`.execute(server.services.store.db);

    const next = await repo.exchange([ended(claim, at, { status: "delivered", deliveredAt: at + 1 })], { limit: 1, now: at, claimedUntil: at + 60_000 });
    expect(next.lost).toEqual([]);
    expect(next.claims.map((c) => c.row.id)).toEqual(ids.filter((id) => id !== claim.row.id));
    expect((await rows([claim.row.id]))[0]).toMatchObject({ status: "delivered" });
  });
});
