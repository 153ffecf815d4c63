import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineWorkers } from "../../src/assessment/engine.js";
import type { EnginePool } from "../../src/engine/pool.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { createSession, lifecycle, storedSession } from "../lifecycle/helpers.js";
import { assessJobOf } from "./support.js";

/**
 * An engine pool whose models take as long as the test says. The attempts submitted here have no
 * images, so the engine decides them without asking the pool anything: what the test sees is when
 * their jobs are claimed, not what the models read.
 */
function slowLoadingPool() {
  let loaded!: () => void;
  let failed!: (error: Error) => void;
  const models = new Promise<void>((resolve, reject) => {
    loaded = resolve;
    failed = reject;
  });
  const pool: EnginePool = {
    size: 1,
    ready: async () => {
      await models;
      return [];
    },
    verify: () => Promise.reject(new Error("no attempt here has images to read")),
    readFace: () => Promise.reject(new Error("no attempt here has images to read")),
    close: async () => {},
  };
  return { pool, loaded, failed };
}

/**
 * The real app over a store of its own, its job runners polling every 50 ms, its engine the one
 * given, whose loading starts before the app is ready, as `earthid serve` and `earthid worker` start it.
 */
async function serverWith(engine: ReturnType<typeof slowLoadingPool>) {
  const workers = engineWorkers(1, () => engine.pool);
  workers.start().catch(() => undefined);
  return startTestServer({ EARTHID_ENGINE_WORKERS: "1", EARTHID_JOB_POLL_MS: "50" }, { assessment: undefined, engine: workers });
}

const readiness = async (server: TestServer) => {
  const res = await fetch(`${server.url}/ready`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** A live session submitted with no images, and its assessment job once many polls and a wake-up have passed. */
async function submittedAndWaited(server: TestServer) {
  const shop = await server.integration({ name: "shop" });
  const id = await createSession(shop);
  expect((await lifecycle(shop).submit(id)).body.verification.status).toBe("submitted");
  const job = await assessJobOf(server.services, id);
  await new Promise((resolve) => setTimeout(resolve, 600));
  return { id, job };
}

describe(`an instance whose engine is loading its models claims no assessment (${storeKind})`, () => {
  let server: TestServer;
  const engine = slowLoadingPool();
  beforeAll(async () => {
    server = await serverWith(engine);
  });
  afterAll(() => server.close());
  const ready = () => readiness(server);

  it("leaves a job submitted while the models load untouched, then decides it at its first run once they are in", async () => {
    const { id, job } = await submittedAndWaited(server);
    // Not claimed, so no lease runs out and no attempt is spent.
    expect(await server.services.jobStore.find(job.id)).toMatchObject({ status: "pending", attempts: 0 });
    expect((await storedSession(server, id)).session?.status).toBe("submitted");
    expect(await ready()).toMatchObject({ status: 503, body: { status: "not_ready", engine: "loading" } });

    engine.loaded();
    await server.services.jobs.settled(id);
    expect(await server.services.jobStore.find(job.id)).toMatchObject({ status: "done", attempts: 1 });
    // No document image and no selfie: the engine asks for them again.
    const stored = await storedSession(server, id);
    expect(stored.decisions.map((d) => [d.status, d.decided_by])).toEqual([["resubmission_requested", "engine"]]);
    expect((await ready()).status).toBe(200);
  });
});

describe(`an instance whose engine could not load its models claims no assessment (${storeKind})`, () => {
  let server: TestServer;
  const engine = slowLoadingPool();
  beforeAll(async () => {
    server = await serverWith(engine);
    engine.failed(new Error("the face model's weights are missing"));
  });
  afterAll(() => server.close());

  it("is not ready, saying so, and leaves the job to other instances, its attempts unspent", async () => {
    const { id, job } = await submittedAndWaited(server);
    expect(await readiness(server)).toMatchObject({ status: 503, body: { status: "not_ready", engine: "failed" } });
    expect(await server.services.jobStore.find(job.id)).toMatchObject({ status: "pending", attempts: 0 });
    expect((await storedSession(server, id)).session?.status).toBe("submitted");
  });
});
