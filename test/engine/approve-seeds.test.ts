/**
 * The approve scenario over fixed seeds, through the real engine pool: a valid passport, the
 * holder's selfie and the holder's data are approved, whatever identity, state and photo a seed
 * draws. The document side is read right on each (every document and data check passes), and no
 * seed is ever declined: a misread must never become a name mismatch (104) or tampering (506).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EnginePool, enginePool } from "../../src/engine/pool.js";
import { DEFAULT_POLICY } from "../../src/engine/policy/policy.js";
import type { Verification } from "../../src/engine/run/verify.js";
import { type Scenario, buildScenario } from "../support/synth/index.js";

const ASOF = "2026-12-04";
const NOW = new Date(`${ASOF}T12:00:00Z`);
/** "speed" and "api" were once declined 104 and 506; the others are the first ten of a plain series. */
const SEEDS = ["speed", "api", ...Array.from({ length: 10 }, (_, i) => `s${i + 1}`)];

/**
 * Where the decision rests on the selfie, not the document, and why (the checks that did not pass,
 * checked below); their documents are read exactly. api: the selfie is made from a soft source photo
 * and scores 59 on the sharpness measure against a threshold of 60, so a new selfie is asked for
 * (202). s4: the selfie and the printed portrait score 0.579, inside the review band (0.50 up to the
 * face threshold, 0.59 since the face model reads at 1024 px; at 1280 px the pair scored just above
 * 0.58, the threshold then), so a person looks.
 */
const SETTLED: Partial<Record<string, { status: string; reasonCode: number | null; because: string[] }>> = {
  api: { status: "resubmission_requested", reasonCode: 202, because: ["face.selfie.quality:fail"] },
  s4: { status: "review", reasonCode: null, because: ["face.similarity:inconclusive"] },
};

/** The selfie's antispoof and liveness scores are recorded as weak signals, always inconclusive: they decide nothing. */
const WEAK_SIGNALS = new Set(["face.selfie.antispoof", "face.selfie.liveness"]);

/** The checks on the document and on the data read from it (not the selfie's, not the faces'). */
const documentSide = (name: string) => /^(document\.|data\.|person\.|mrz\.)/.test(name);

describe("the approve scenario over fixed seeds", { timeout: 120_000 }, () => {
  let pool: EnginePool;
  const results = new Map<string, { scenario: Scenario; verification: Verification }>();

  beforeAll(async () => {
    pool = enginePool({ size: 1 });
    await pool.ready();
    for (const seed of SEEDS) {
      const scenario = await buildScenario("approve", { seed, asOf: ASOF });
      const { sessionRequest } = scenario;
      const verification = await pool.verify({
        documentFront: new Uint8Array(scenario.documentFront),
        selfie: new Uint8Array(scenario.selfie),
        documentType: sessionRequest.document?.type ?? null,
        claims: { person: sessionRequest.person, ...(sessionRequest.document ? { document: sessionRequest.document } : {}) },
        policy: DEFAULT_POLICY,
        duplicates: [],
        now: NOW,
      });
      results.set(seed, { scenario, verification });
    }
  }, 180_000);
  afterAll(() => pool?.close());

  it.each(SEEDS.map((seed) => [seed]))("approves seed %s, its document read right", (seed) => {
    const { scenario, verification } = results.get(seed)!;
    const notPassed = verification.checks.filter((c) => documentSide(c.name) && c.outcome !== "pass").map((c) => `${c.name}:${c.outcome}`);
    expect(notPassed, `read ${JSON.stringify(verification.readings.document.mrz?.lines)}`).toEqual([]);
    expect(verification.readings.document.mrz?.lines).toEqual(scenario.truth.mrz);
    expect(verification.document.number).toBe(scenario.truth.document.number);
    const { because, ...wanted } = SETTLED[seed] ?? { status: "approved", reasonCode: null, because: [] };
    const similarity = verification.checks.find((c) => c.name === "face.similarity");
    expect({ status: verification.status, reasonCode: verification.reasonCode }, `face similarity ${similarity?.score}`).toEqual(wanted);
    const notPassing = verification.checks.filter((c) => c.outcome !== "pass" && !WEAK_SIGNALS.has(c.name)).map((c) => `${c.name}:${c.outcome}`);
    expect(notPassing, `face similarity ${similarity?.score}`).toEqual(because);
  });

  it("puts s4 in review for its face similarity alone: in the band below the default threshold", () => {
    const check = results.get("s4")!.verification.checks.find((c) => c.name === "face.similarity")!;
    expect(check.threshold).toBe(DEFAULT_POLICY.face.threshold);
    expect(check.score).toBeGreaterThanOrEqual(DEFAULT_POLICY.face.reviewFrom);
    expect(check.score).toBeLessThan(DEFAULT_POLICY.face.threshold);
  });

  it("declines none of them", () => {
    expect([...results.values()].filter((r) => r.verification.status === "declined").map((r) => r.scenario.name)).toEqual([]);
  });
});
