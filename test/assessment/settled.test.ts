import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineWorkers } from "../../src/assessment/engine.js";
import type { Actor } from "../../src/audit/events.js";
import type { EnginePool } from "../../src/engine/pool.js";
import { runCli } from "../support/built-cli.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { createSession, lifecycle, storedSession } from "../lifecycle/helpers.js";
import { assessJobOf, runJobOnce } from "../jobs/support.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

/** An engine pool that counts what it is asked to read, and fails it: these jobs must never reach it. */
function countingPool() {
  const asked = { verify: 0 };
  const pool: EnginePool = {
    size: 1,
    ready: async () => [],
    verify: async () => {
      asked.verify++;
      throw new Error("the engine was asked to read a settled attempt");
    },
    readFace: () => Promise.reject(new Error("not used here")),
    close: async () => {},
  };
  return { pool, asked };
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * A job that comes after its attempt was settled by someone else (a reviewer, the operator's CLI,
 * the sweeper, a DELETE) is completed without reading the images and without touching the
 * decision: no second decision, no second decision webhook.
 */
describe(`the engine's job for an attempt settled before it ran (${storeKind})`, { timeout: 120_000 }, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;
  const engine = countingPool();
  let photo: Buffer;
  beforeAll(async () => {
    // This instance claims no assessment (EARTHID_ENGINE_WORKERS=0): the test runs each job when it wants.
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_ENGINE_WORKERS: "0", EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" }, { assessment: undefined, engine: engineWorkers(1, () => engine.pool) });
    shop = await server.integration({ name: "shop", decisionWebhookUrl: `${receiver.url}/decision` });
    photo = await readFile(new URL("../fixtures/images/obama.jpg", import.meta.url));
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const runOnce = (jobId: string) => runJobOnce(server.services, jobId);
  const jobOf = (sessionId: string) => assessJobOf(server.services, sessionId);

  /** A session with a document photo and a selfie, submitted: a job the engine would read. */
  async function submitted(): Promise<{ id: string; jobId: string }> {
    const id = await createSession(shop);
    const actor: Actor = { kind: "integrator", integrationId: shop.id };
    for (const context of ["document-front", "face"] as const) {
      await server.services.media.upload({ actor, apiPrefix: "/earthid/api", sessionId: id, image: { context, content: { bytes: Buffer.from(photo), sha256: sha256(photo) } } });
    }
    expect((await lifecycle(shop).submit(id)).body.verification.status).toBe("submitted");
    return { id, jobId: (await jobOf(id)).id };
  }

  const decided = async (id: string) => {
    const { decisions, deliveries } = await storedSession(server, id);
    return { decisions: decisions.map((d) => [d.status, d.decided_by]), decisionWebhooks: deliveries.filter((d) => d.kind === "decision").length };
  };

  it("completes the job of an attempt a reviewer decided first, the engine not asked", async () => {
    const { id, jobId } = await submitted();
    await server.services.lifecycle.decide({ sessionId: id, verdict: "declined", reasonCode: 103, actor: { kind: "reviewer", reviewerId: randomUUID() } });
    const before = { asked: engine.asked.verify, ...(await decided(id)) };
    expect(await runOnce(jobId)).toBe("done");
    expect(engine.asked.verify).toBe(before.asked);
    expect(await decided(id)).toEqual({ decisions: [["declined", "reviewer"]], decisionWebhooks: 1 });
    expect(await server.services.jobStore.find(jobId)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("completes the job of an attempt the operator decided with `earthid sessions decide`, the engine not asked", async () => {
    const { id, jobId } = await submitted();
    const cli = await runCli(["sessions", "decide", id, "--status", "approved"], server.env);
    expect(cli.code, cli.stderr).toBe(0);
    const before = engine.asked.verify;
    expect(await runOnce(jobId)).toBe("done");
    expect(engine.asked.verify).toBe(before);
    expect(await decided(id)).toEqual({ decisions: [["approved", "operator"]], decisionWebhooks: 1 });
  });

  it("completes the job of an attempt whose session was sent back, then abandoned, the engine not asked", async () => {
    const { id, jobId } = await submitted();
    await server.services.lifecycle.decide({ sessionId: id, verdict: "resubmission_requested", reasonCode: 204, actor: { kind: "reviewer", reviewerId: randomUUID() } });
    expect(await server.services.lifecycle.sweepUnfinished(-60_000)).toBeGreaterThanOrEqual(1);
    expect((await storedSession(server, id)).session?.status).toBe("abandoned");
    const before = engine.asked.verify;
    expect(await runOnce(jobId)).toBe("done");
    expect(engine.asked.verify).toBe(before);
    expect(await decided(id)).toEqual({ decisions: [["resubmission_requested", "reviewer"], ["abandoned", "sweeper"]], decisionWebhooks: 2 });
  });

  it("does nothing for a job claimed before its session was deleted (erased), the engine not asked", async () => {
    const { id, jobId } = await submitted();
    const job = (await server.services.jobStore.find(jobId))!;
    await server.services.lifecycle.decide({ sessionId: id, verdict: "resubmission_requested", reasonCode: 204, actor: { kind: "reviewer", reviewerId: randomUUID() } });
    expect((await lifecycle(shop).remove(id)).status).toBe(200);
    // The erasure took the job with the session's data; a runner that held it already runs it anyway.
    expect(await server.services.jobStore.find(jobId)).toBeUndefined();
    const before = { asked: engine.asked.verify, ...(await decided(id)) };
    const [kind] = server.services.jobKinds;
    await kind!.handler.run({ id: job.id, kind: job.kind, subject: job.subject, payload: JSON.parse(job.payload), attempt: 1, createdAt: job.created_at });
    expect(engine.asked.verify).toBe(before.asked);
    expect(await decided(id)).toEqual({ decisions: before.decisions, decisionWebhooks: before.decisionWebhooks });
    expect((await storedSession(server, id)).session).toMatchObject({ status: "abandoned" });
  });

  it("and, to show the test can fail: reads an attempt still waiting on it (the engine is asked), and after its third failure puts it in review, the error kept", async () => {
    // Last: the runners here take any due job, and this one stays due until given up (the counting engine fails it).
    const { id, jobId } = await submitted();
    const before = engine.asked.verify;
    expect(await runOnce(jobId)).toBe("pending");
    expect(engine.asked.verify).toBe(before + 1);
    expect(await runOnce(jobId)).toBe("pending");
    expect(await runOnce(jobId)).toBe("failed");
    expect(engine.asked.verify).toBe(before + 3);
    const error = "the engine was asked to read a settled attempt";
    expect(await server.services.jobStore.find(jobId)).toMatchObject({ status: "failed", attempts: 3, last_error: error });
    const stored = await storedSession(server, id);
    expect(stored.decisions.map((d) => [d.status, d.code, d.decided_by])).toEqual([["review", 9121, "engine"]]);
    expect(JSON.parse(stored.audit.find((e) => e.type === "session.decided")!.data)).toMatchObject({ status: "review", error });
    const record = await server.services.store.db.withTables<{ engine_assessments: { attempt_id: string; error: string | null } }>().selectFrom("engine_assessments").selectAll().where("attempt_id", "=", stored.attempts[0]!.id).executeTakeFirst();
    expect(record?.error).toBe(error);
    expect(stored.deliveries.filter((d) => d.kind === "decision")).toHaveLength(1);
  });
});
