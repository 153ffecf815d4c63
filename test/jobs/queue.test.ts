import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_JOB_ATTEMPTS } from "../../src/jobs/runner.js";
import { storeKind } from "../support/server.js";
import { jobServices, nextEnded, scriptedHandler, testClock, testRunner } from "./support.js";

const LEASE_MS = 60_000;

describe(`the job queue on ${storeKind}`, () => {
  let world: Awaited<ReturnType<typeof jobServices>>;
  beforeAll(async () => {
    world = await jobServices();
  });
  afterAll(() => world.close());

  const enqueue = (kind: string, payload: unknown, subject: string | null = null) =>
    world.services.store.db.transaction().execute((trx) => world.services.jobs.enqueue(trx, { kind, subject, payload }));
  const row = (id: string) => world.services.jobStore.find(id);

  it("keeps a job only if the transaction that wrote it commits, and runs it once with its payload", async () => {
    const db = world.services.store.db;
    await expect(db.transaction().execute(async (trx) => {
      await world.services.jobs.enqueue(trx, { kind: "test.once", subject: "rolled-back", payload: { n: 0 } });
      throw new Error("the causing change failed");
    })).rejects.toThrow("the causing change failed");
    expect(await world.services.jobs.list({ kind: "test.once", limit: 10 })).toEqual([]);

    const { handler, runs } = scriptedHandler();
    const { runner } = testRunner(world.services, [{ kind: "test.once", handler, concurrency: 2, leaseMs: LEASE_MS }]);
    runner.start();
    const id = await enqueue("test.once", { n: 1 }, "subject-1");
    const ended = nextEnded(world.services, id);
    world.services.jobs.wake();
    expect(await ended).toBe("done");
    await runner.stop();
    expect(runs.map((job) => [job.id, job.payload, job.attempt])).toEqual([[id, { n: 1 }, 1]]);
    expect(await row(id)).toMatchObject({ status: "done", attempts: 1, claimed_until: null, last_error: null, subject: "subject-1" });
    expect((await row(id))!.finished_at).not.toBeNull();
  });

  it("claims only the kinds a runner runs", async () => {
    const { handler, runs } = scriptedHandler();
    const { runner } = testRunner(world.services, [{ kind: "test.mine", handler, concurrency: 1, leaseMs: LEASE_MS }]);
    const theirs = await enqueue("test.theirs", {});
    const mine = await enqueue("test.mine", {});
    const ended = nextEnded(world.services, mine);
    runner.start();
    await ended;
    await runner.stop();
    expect(runs.map((job) => job.id)).toEqual([mine]);
    expect(await row(theirs)).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("tries a failing job again on its schedule, then gives it up after the third failure", async () => {
    const clock = testClock();
    const { handler, runs, givenUp } = scriptedHandler(async (_, run) => {
      throw new Error(`run ${run} failed`);
    });
    const { runner, logged } = testRunner(world.services, [{ kind: "test.failing", handler, concurrency: 1, leaseMs: LEASE_MS }], { now: clock.now, retryDelaysMs: [10_000, 20_000] });
    runner.start();
    const id = await enqueue("test.failing", { n: 2 });

    let ended = nextEnded(world.services, id);
    world.services.jobs.wake();
    expect(await ended).toBe("pending");
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 1, last_error: "run 1 failed", run_at: clock.now() + 10_000 });
    // Not due yet: a wake finds nothing to take.
    world.services.jobs.wake();
    await runner.idle();
    expect(runs).toHaveLength(1);

    clock.advance(10_000);
    ended = nextEnded(world.services, id);
    world.services.jobs.wake();
    expect(await ended).toBe("pending");
    expect(await row(id)).toMatchObject({ attempts: 2, last_error: "run 2 failed", run_at: clock.now() + 20_000 });

    clock.advance(20_000);
    ended = nextEnded(world.services, id);
    world.services.jobs.wake();
    expect(await ended).toBe("failed");
    await runner.stop();
    expect(runs).toHaveLength(MAX_JOB_ATTEMPTS);
    expect(givenUp.map((g) => [g.job.id, g.error])).toEqual([[id, "run 3 failed"]]);
    expect(await row(id)).toMatchObject({ status: "failed", attempts: 3, last_error: "run 3 failed", claimed_until: null });
    const warnings = logged.filter((l) => l.level === "warn").map((l) => l.message);
    expect(warnings).toEqual(["job failed; it will be tried again", "job failed; it will be tried again", "job failed for good and was given up"]);
    // The log names the job, never its payload.
    expect(JSON.stringify(logged)).not.toContain('"n":2');
  });

  it("loses nothing when a runner dies mid-job: the job is taken again once its lease passes, and the late record is fenced off", async () => {
    const clock = testClock();
    let finishFirst: () => void = () => {};
    const first = scriptedHandler(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    const dying = testRunner(world.services, [{ kind: "test.lease", handler: first.handler, concurrency: 1, leaseMs: LEASE_MS }], { now: clock.now });
    const id = await enqueue("test.lease", {});
    dying.runner.start();
    await expect.poll(() => first.runs.length).toBe(1);
    expect(await row(id)).toMatchObject({ status: "running", attempts: 1, claimed_until: clock.now() + LEASE_MS });
    expect(await world.services.jobs.retry(id)).toMatchObject({ status: "running", attempts: 1 });

    // The first runner dies: it claims nothing more (its work under way hangs on).
    const dead = dying.runner.stop();
    // Another runner sees the lease hold, then pass.
    const second = scriptedHandler();
    const taking = testRunner(world.services, [{ kind: "test.lease", handler: second.handler, concurrency: 1, leaseMs: LEASE_MS }], { now: clock.now });
    taking.runner.start();
    await taking.runner.idle();
    expect(second.runs).toHaveLength(0);
    clock.advance(LEASE_MS);
    const ended = nextEnded(world.services, id);
    world.services.jobs.wake();
    expect(await ended).toBe("done");
    expect(second.runs.map((job) => job.attempt)).toEqual([2]);
    await taking.runner.stop();

    // The first runner comes back to life and finishes: its record no longer holds the lease.
    finishFirst();
    await dead;
    expect(dying.logged.map((l) => l.message)).toContain("job lease expired before its work was recorded");
    expect(await row(id)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("lists jobs by status and kind, retries a failed one with fresh attempts, and leaves a running one alone", async () => {
    const clock = testClock();
    const { handler } = scriptedHandler(async () => {
      throw new Error("always");
    });
    const { runner } = testRunner(world.services, [{ kind: "test.retry", handler, concurrency: 1, leaseMs: LEASE_MS }], { now: clock.now, retryDelaysMs: [0] });
    const id = await enqueue("test.retry", {});
    runner.start();
    for (let run = 1; run <= MAX_JOB_ATTEMPTS; run++) {
      const ended = nextEnded(world.services, id);
      world.services.jobs.wake();
      await ended;
    }
    await runner.stop();
    const failed = await world.services.jobs.list({ status: "failed", kind: "test.retry", limit: 10 });
    expect(failed.map((job) => job.id)).toEqual([id]);
    expect(await world.services.jobs.retry(id)).toMatchObject({ status: "pending", attempts: 0, finished_at: null, last_error: "always" });
    expect(await world.services.jobs.list({ status: "failed", kind: "test.retry", limit: 10 })).toEqual([]);
  });
});
