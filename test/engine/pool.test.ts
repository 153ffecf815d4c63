import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineTimeout, type EnginePool, enginePool } from "../../src/engine/pool.js";
import { DEFAULT_POLICY } from "../../src/engine/policy/policy.js";
import type { VerifyInput } from "../../src/engine/run/verify.js";

const obama = () => readFile(new URL("../fixtures/images/obama.jpg", import.meta.url));

// Loading the models takes a worker about a second on a quiet machine, many more when the machine is shared.
describe("the engine pool", { timeout: 120_000 }, () => {
  let pool: EnginePool;
  beforeAll(() => {
    pool = enginePool({ size: 2 });
  });
  afterAll(() => pool.close());

  it("is ready once every worker has loaded its models, each in its own thread", async () => {
    const workers = await pool.ready();
    expect(new Set(workers.map((w) => w.threadId)).size).toBe(2);
    for (const worker of workers) {
      expect(worker.faceModelLoads).toBe(1);
      expect(worker.face).toMatchObject({ library: "@vladmandic/human@3.3.6", backend: "wasm" });
      expect(worker.tensorBytes).toBeGreaterThan(1_000_000);
    }
  });

  it("reads faces in its workers, several at once", async () => {
    const readings = await Promise.all(Array.from({ length: 4 }, async () => pool.readFace(await obama())));
    for (const reading of readings) {
      expect(reading.faces).toHaveLength(1);
      expect(reading.faces[0]!.embedding).toHaveLength(1024);
      expect(reading.checks.find((c) => c.name === "face.count")!.outcome).toBe("pass");
    }
    // The same image gives the same descriptor, whichever worker read it.
    expect(readings[1]!.faces[0]!.embedding).toEqual(readings[0]!.faces[0]!.embedding);
  });

  it("answers an image that is no image with a reading, not a dead worker", async () => {
    const reading = await pool.readFace(Buffer.from("not an image"));
    expect(reading.faces).toEqual([]);
    expect(reading.checks).toEqual([expect.objectContaining({ name: "face.image", outcome: "fail" })]);
  });

  it("answers readiness asked twice at once (each question reaches every worker)", async () => {
    const [first, second] = await Promise.all([pool.ready(), pool.ready()]);
    expect(new Set(first.map((w) => w.threadId)).size).toBe(2);
    expect(new Set(second.map((w) => w.threadId)).size).toBe(2);
  });

  it("keeps the models it loaded at start: the same threads, each having loaded once", async () => {
    const before = await pool.ready();
    await Promise.all(Array.from({ length: 4 }, async () => pool.readFace(await obama())));
    const after = await pool.ready();
    expect(after.map((w) => w.threadId).sort()).toEqual(before.map((w) => w.threadId).sort());
    expect(after.map((w) => w.faceModelLoads)).toEqual([1, 1]);
  });
});

describe("a verification in the pool", { timeout: 180_000 }, () => {
  let pool: EnginePool;
  beforeAll(() => {
    pool = enginePool({ size: 1 });
  });
  afterAll(() => pool.close());

  const attempt = async (front: Buffer): Promise<VerifyInput> => ({
    documentFront: front,
    selfie: await obama(),
    documentType: "PASSPORT",
    claims: { person: { firstName: "Barack", lastName: "Obama" } },
    policy: DEFAULT_POLICY,
    duplicates: [],
    now: new Date("2026-12-04T12:00:00Z"),
  });

  it("that runs past its time limit is refused with EngineTimeout, and the pool answers the next one", async () => {
    await pool.ready();
    await expect(pool.verify(await attempt(await obama()), { timeoutMs: 1 })).rejects.toBeInstanceOf(EngineTimeout);
    // A page with no document on it: a decision (a new attempt), with every image's digest, not a dead worker.
    const front = await obama();
    const result = await pool.verify(await attempt(front));
    expect({ status: result.status, reasonCode: result.reasonCode }).toEqual({ status: "resubmission_requested", reasonCode: 203 });
    expect(result.images.documentFront).toBe(createHash("sha256").update(await obama()).digest("hex"));
    expect(result.document).toEqual({ number: null, type: null, country: null, validUntil: null });
  });
});
