import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { composeServices } from "../../src/app/compose.js";
import { ASSESS_JOB } from "../../src/verification/transitions.js";
import { builtCli, repoRoot, runCli } from "../support/built-cli.js";
import { type TestServer, silentLog, startTestServer, storeKind } from "../support/server.js";
import { createSession, lifecycle } from "../lifecycle/helpers.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { jobServices, nextEnded, scriptedHandler, testClock, testRunner } from "./support.js";

describe(`earthid worker beside an API instance with EARTHID_ENGINE_WORKERS=0, and earthid jobs, on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let worker: ReturnType<typeof spawn> | undefined;
  let workerLog = "";
  beforeAll(async () => {
    await builtCli();
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_ENGINE_WORKERS: "0", EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "50", EARTHID_JOB_POLL_MS: "50" });
  });
  afterAll(async () => {
    worker?.kill("SIGKILL");
    await server.close();
    await receiver.close();
  });

  it("leaves the assessment to the worker process, which decides and sends the decision webhook; the CLI lists the job", async () => {
    const shop = await server.integration({ name: "shop", isTest: true, decisionWebhookUrl: `${receiver.url}/decision` });
    const id = await createSession(shop, { person: { firstName: "Decline" } });
    expect((await lifecycle(shop).submit(id)).body.verification.status).toBe("submitted");
    const pending = JSON.parse((await runCli(["jobs", "list", "--kind", ASSESS_JOB, "--status", "pending", "--json"], server.env)).stdout);
    expect(pending.map((job: { subject: string }) => job.subject)).toEqual([id]);

    worker = spawn(process.execPath, [await builtCli(), "worker"], { cwd: repoRoot, env: { ...process.env, ...server.env, LOG_LEVEL: "info", EARTHID_ENGINE_WORKERS: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    worker.stdout!.setEncoding("utf8").on("data", (chunk: string) => (workerLog += chunk));
    worker.stderr!.setEncoding("utf8").on("data", (chunk: string) => (workerLog += chunk));
    const received = await receiver.waitFor((all) => all.some((r) => r.path === "/decision" && r.json?.verification?.id === id), 30_000);
    expect(received.find((r) => r.json?.verification?.id === id)!.json.verification).toMatchObject({ status: "declined", code: 9102 });
    expect((await lifecycle(shop).decision(id)).body.verification.status).toBe("declined");

    const listed = await runCli(["jobs", "list", "--kind", ASSESS_JOB], server.env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${ASSESS_JOB}  done  attempts 1 .*\\n    subject ${id}; finished `));
    const stopped = new Promise<number | null>((resolve) => worker!.once("exit", (code) => resolve(code)));
    worker.kill("SIGTERM");
    expect(await stopped).toBe(0);
    expect(workerLog).toContain("EarthID Verify worker is running");
    expect(workerLog).toContain("EarthID Verify worker stopped");
  }, 60_000);

  it("retries a failed job from the CLI, and refuses bad usage", async () => {
    const db = server.services.store.db;
    const id = await db.transaction().execute((trx) => server.services.jobs.enqueue(trx, { kind: "test.cli", subject: null, payload: {} }));
    await db.updateTable("jobs").set({ status: "failed", attempts: 3, last_error: "boom", finished_at: Date.now() }).where("id", "=", id).execute();
    const failed = await runCli(["jobs", "list", "--status", "failed"], server.env);
    expect(failed.stdout).toContain(`${id}  test.cli  failed  attempts 3`);
    expect(failed.stdout).toContain("last error: boom");
    const retried = await runCli(["jobs", "retry", id, "--json"], server.env);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id, status: "pending", attempts: 0 });
    expect((await runCli(["jobs", "retry", crypto.randomUUID()], server.env)).code).toBe(1);
    const bad = await runCli(["jobs", "list", "--status", "sleeping"], server.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--status must be one of pending, running, done, failed");
  }, 60_000);
});

describe.runIf(storeKind === "postgres")("two runners on one PostgreSQL", () => {
  let world: Awaited<ReturnType<typeof jobServices>>;
  let other: ReturnType<typeof composeServices>;
  beforeAll(async () => {
    world = await jobServices();
    // A second instance: its own pool of connections to the same database.
    other = composeServices(loadConfig(world.environment.env), { log: silentLog });
  });
  afterAll(async () => {
    await other.close();
    await world.close();
  });

  it("share the jobs, none run twice while its lease holds, and a job whose runner died is taken again", async () => {
    const JOBS = 30;
    const runs: { id: string; by: string }[] = [];
    // The first four runs wait until four are under way: both runners (two slots each) must take part.
    let started = 0;
    let openBarrier: () => void = () => {};
    const barrier = new Promise<void>((resolve) => (openBarrier = resolve));
    const handlerFor = (by: string) =>
      scriptedHandler(async (job) => {
        runs.push({ id: job.id, by });
        if (++started === 4) openBarrier();
        if (started <= 4) await barrier;
      }).handler;
    const a = testRunner(world.services, [{ kind: "test.shared", handler: handlerFor("a"), concurrency: 2, leaseMs: 60_000 }]);
    const b = testRunner(other, [{ kind: "test.shared", handler: handlerFor("b"), concurrency: 2, leaseMs: 60_000 }]);
    const ids = await world.services.store.db.transaction().execute(async (trx) => {
      const made: string[] = [];
      for (let i = 0; i < JOBS; i++) made.push(await world.services.jobs.enqueue(trx, { kind: "test.shared", subject: null, payload: { i } }));
      return made;
    });
    a.runner.start();
    b.runner.start();
    const done = async () => (await world.services.jobs.list({ kind: "test.shared", status: "done", limit: 100 })).length;
    await expect.poll(done, { timeout: 20_000 }).toBe(JOBS);
    await Promise.all([a.runner.stop(), b.runner.stop()]);
    expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(new Set(runs.filter((r) => r.by === "a").map((r) => r.id)).size).toBeGreaterThan(0);
    expect(new Set(runs.filter((r) => r.by === "b").map((r) => r.id)).size).toBeGreaterThan(0);

    // A runner dies mid-job (it never records); the other takes the job once the lease has passed.
    const clock = testClock();
    let hung = 0;
    const dying = testRunner(world.services, [{ kind: "test.orphan", handler: scriptedHandler(() => new Promise<void>(() => void hung++)).handler, concurrency: 1, leaseMs: 30_000 }], { now: clock.now });
    const orphan = await world.services.store.db.transaction().execute((trx) => world.services.jobs.enqueue(trx, { kind: "test.orphan", subject: null, payload: {} }));
    dying.runner.start();
    await expect.poll(() => hung).toBe(1);
    void dying.runner.stop();
    const rescuer = scriptedHandler();
    const taking = testRunner(other, [{ kind: "test.orphan", handler: rescuer.handler, concurrency: 1, leaseMs: 30_000 }], { now: clock.now });
    taking.runner.start();
    await taking.runner.idle();
    expect(rescuer.runs).toHaveLength(0);
    clock.advance(30_000);
    const ended = nextEnded(other, orphan);
    other.jobs.wake();
    expect(await ended).toBe("done");
    await taking.runner.stop();
    expect(rescuer.runs.map((job) => [job.id, job.attempt])).toEqual([[orphan, 2]]);
  }, 60_000);
});
