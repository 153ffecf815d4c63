/**
 * Every synthetic scenario through the real engine pool (worker threads, real models): the status
 * and Veriff reason code a user of the API would get, and the fields they would read back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EnginePool, enginePool } from "../../src/engine/pool.js";
import { DEFAULT_POLICY } from "../../src/engine/policy/policy.js";
import type { Verification, VerifyInput } from "../../src/engine/run/verify.js";
import type { DuplicateMatch } from "../../src/engine/policy/input.js";
import { SCENARIO_NAMES, type Scenario, buildScenarioSuite } from "../support/synth/index.js";

const ASOF = "2026-12-04";
const NOW = new Date(`${ASOF}T12:00:00Z`);

function inputOf(scenario: Scenario, duplicates: DuplicateMatch[] = []): VerifyInput {
  const { sessionRequest } = scenario;
  return {
    // Copies: the pool hands the buffers over to its workers.
    documentFront: new Uint8Array(scenario.documentFront),
    ...(scenario.documentBack ? { documentBack: new Uint8Array(scenario.documentBack) } : {}),
    selfie: new Uint8Array(scenario.selfie),
    documentType: sessionRequest.document?.type ?? null,
    claims: { person: sessionRequest.person, ...(sessionRequest.document ? { document: sessionRequest.document } : {}) },
    policy: DEFAULT_POLICY,
    duplicates,
    now: NOW,
  };
}

/**
 * Where the policy settles otherwise than the synth's proposal, and why.
 * face_mismatch: the only two people the repository has faces of are Biden and Obama; a printed,
 * photographed portrait of one against a selfie of the other scores 0.53 here, inside the default
 * policy's review band (0.50-0.59, set by bench:engine-face just above every Biden/Obama pair).
 * The engine does not approve it; a person looks (9121). A clear mismatch (below 0.50) is
 * declined 103, which test/engine/policy/decide-face.test.ts covers.
 *
 * approve_drivers_license: the holder's portrait, printed small on the licence and photographed,
 * scores 0.57 against his own selfie: just under the default threshold (0.59), in the review band.
 * Every other field holds (PDF417 read, names, dates, number). The face model is weak on printed
 * portraits (engine-lab §4.4: genuine print-degraded pairs go as low as 0.51); until a better one
 * ships offline, a person looks rather than the engine approving or declining.
 */
const SETTLED: Partial<Record<string, { status: string; code: number; reasonCode: number | null }>> = {
  approve_drivers_license: { status: "review", code: 9121, reasonCode: null },
  face_mismatch: { status: "review", code: 9121, reasonCode: null },
};

const summary = (v: Verification) => ({ status: v.status, code: v.code, reasonCode: v.reasonCode });

// Loading two workers' models and building the suite take tens of seconds on a shared machine.
describe("the engine on the scenario suite", { timeout: 120_000 }, () => {
  let pool: EnginePool;
  const results = new Map<string, Verification>();
  const scenarios = new Map<string, Scenario>();

  beforeAll(async () => {
    pool = enginePool({ size: 2 });
    const [suite] = await Promise.all([buildScenarioSuite({ seed: "engine", asOf: ASOF }), pool.ready()]);
    for (const s of suite) scenarios.set(s.name, s);
    // The duplicate's first use is verified first: the store would then hold its extracted number.
    const duplicate = scenarios.get("duplicate_document")!;
    const original = duplicate.before![0]!;
    const first = await pool.verify(inputOf(original));
    results.set(original.name, first);
    const found: DuplicateMatch[] = first.document.number ? [{ sessionId: "session-of-the-first-use", kind: "document" }] : [];
    await Promise.all(
      suite.map(async (s) => results.set(s.name, await pool.verify(inputOf(s, s === duplicate ? found : [])))),
    );
  }, 240_000);
  afterAll(() => pool?.close());

  it.each(SCENARIO_NAMES.map((name) => [name]))("%s gets the expected decision", (name) => {
    const { expected } = scenarios.get(name)!;
    const result = results.get(name)!;
    const failing = result.checks.filter((c) => c.outcome !== "pass" && !c.evidence["weakSignal"]).map((c) => `${c.name}:${c.outcome}(${c.score})`);
    const wanted = SETTLED[name] ?? { status: expected.status, code: expected.code, reasonCode: expected.reasonCode };
    expect(summary(result), `checks not passed: ${failing.join(", ")}`).toEqual(wanted);
  });

  it("returns the holder's data in Veriff's shape, the versions and the images' digests", () => {
    const { truth } = scenarios.get("approve")!;
    const result = results.get("approve")!;
    expect(result.person).toMatchObject({ dateOfBirth: truth.person.dateOfBirth, gender: truth.person.gender, nationality: truth.person.nationality });
    expect(result.document).toEqual({ number: truth.document.number, type: "PASSPORT", country: truth.document.country, validUntil: truth.document.validUntil });
    expect(result.images.documentFront).toMatch(/^[0-9a-f]{64}$/);
    expect(result.images.selfie).not.toBe(result.images.documentFront);
    expect(result.versions.face.library).toMatch(/^@vladmandic\/human@/);
    expect(result.versions.ocr.library).toMatch(/^tesseract\.js@/);
    expect(result.versions.ocrFallback).toEqual({ runtime: expect.stringMatching(/^onnxruntime-node@1\./), model: expect.stringMatching(/^@gutenye\/ocr-models@1\.4\.\d+\/ch_PP-OCRv4_rec_infer\.onnx$/) });
    expect(result.policyVersion).toBe(DEFAULT_POLICY.version);
  });

  it("finds the duplicate's document to be the first use's", () => {
    const first = results.get("duplicate_document:original")!;
    expect(summary(first)).toMatchObject({ status: "approved" });
    expect(results.get("duplicate_document")!.document.number).toBe(first.document.number);
  });

  it("reads a driving licence from its barcode and an ID card from its MRZ", () => {
    expect(results.get("approve_drivers_license")!.source).toBe("pdf417");
    expect(results.get("approve_id_card")!.source).toBe("mrz");
  });
});
