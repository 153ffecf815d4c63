/**
 * The scenario suite the engine's tests run: every scenario builds, its images decode, and what
 * makes it that scenario is really in it (an expired date, a different selfie, a broken check
 * digit, a blur a reader cannot see through). No store is touched: runs once.
 */
import { parse } from "mrz";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { SCENARIO_NAMES, type Scenario, ageOn, buildScenario, buildScenarioSuite } from "../support/synth/index.js";

const ASOF = "2026-12-04";

/** Variance of the Laplacian on a 640 px grey copy: low is blurred (engine-lab §6). */
async function sharpness(image: Buffer): Promise<number> {
  const grey = await sharp(image).resize(640).greyscale().convolve({ width: 3, height: 3, kernel: [0, 1, 0, 1, -4, 1, 0, 1, 0], offset: 128 }).raw().toBuffer();
  const { channels } = await sharp(grey, { raw: { width: 640, height: grey.length / 640, channels: 1 } }).stats();
  return (channels[0]?.stdev ?? 0) ** 2;
}

describe("the scenario suite", () => {
  let suite: Map<string, Scenario>;
  beforeAll(async () => {
    suite = new Map((await buildScenarioSuite({ seed: "suite", asOf: ASOF })).map((s) => [s.name, s]));
  });
  const get = (name: string) => {
    const found = suite.get(name);
    if (!found) throw new Error(`no scenario ${name}`);
    return found;
  };

  it("has every scenario, each with decodable uploads and a Veriff code that matches its status", async () => {
    expect([...suite.keys()]).toEqual([...SCENARIO_NAMES]);
    const codes = { approved: 9001, declined: 9102, resubmission_requested: 9103, review: 9121 };
    for (const scenario of suite.values()) {
      expect(scenario.expected.code).toBe(codes[scenario.expected.status]);
      expect(scenario.expected.reasonCode === null).toBe(scenario.expected.status === "approved");
      expect((await sharp(scenario.documentFront).metadata()).format).toBe("jpeg");
      if (scenario.documentBack) expect((await sharp(scenario.documentBack).metadata()).format).toBe("jpeg");
      const selfie = await sharp(scenario.selfie).metadata();
      expect([selfie.format, selfie.width, selfie.height]).toEqual(["jpeg", 720, 960]);
      expect(scenario.sessionRequest.document?.country).toMatch(/^[A-Z]{2}$/);
    }
  });

  it("approves documents whose MRZ is valid and whose holder is the session's person", () => {
    for (const name of ["approve", "approve_id_card"]) {
      const { truth, sessionRequest, documentBack } = get(name);
      expect(parse(truth.mrz ?? []).valid).toBe(true);
      expect(sessionRequest.person.dateOfBirth).toBe(truth.person.dateOfBirth);
      expect(sessionRequest.document?.number).toBe(truth.document.number);
      expect(documentBack !== undefined).toBe(name === "approve_id_card");
    }
    const licence = get("approve_drivers_license");
    expect(licence.documentBack).toBeDefined();
    expect(licence.truth.aamva).toContain(`DAQ${licence.truth.document.number}\n`);
  });

  it("breaks exactly what each failing scenario is about", async () => {
    const mismatch = get("name_mismatch");
    expect(mismatch.sessionRequest.person.lastName).not.toBe(mismatch.truth.person.lastName);
    expect(mismatch.sessionRequest.person.firstName).not.toBe(mismatch.truth.person.firstName);
    expect(mismatch.expected.reasonCode).toBe(104);

    expect(get("expired").truth.document.validUntil < ASOF).toBe(true);
    expect(get("approve").truth.document.validUntil > ASOF).toBe(true);
    expect(ageOn(get("under_age").truth.person.dateOfBirth, ASOF)).toBeLessThan(18);
    expect(get("under_age").expected.reasonCode).toBe(533);
    const underTwentyOne = await buildScenario("under_age", { seed: "suite", asOf: ASOF, minimumAge: 21 });
    expect(ageOn(underTwentyOne.truth.person.dateOfBirth, ASOF)).toBeGreaterThanOrEqual(18);
    expect(ageOn(underTwentyOne.truth.person.dateOfBirth, ASOF)).toBeLessThan(21);
    expect(underTwentyOne.expected.reasonCode).toBe(535);

    const faces = get("face_mismatch").truth;
    expect(faces.selfie.person).not.toBe(faces.person.face);
    expect(get("approve").truth.selfie.person).toBe(get("approve").truth.person.face);

    const tampered = get("tampered_check_digit").truth;
    expect(parse(tampered.mrzPrinted ?? []).details.filter((d) => !d.valid).map((d) => d.field)).toEqual(["birthDateCheckDigit"]);

    expect(get("unreadable_mrz_covered").truth.front.params.cover).not.toBeNull();
    expect(await sharpness(get("unreadable_mrz_blurred").documentFront)).toBeLessThan((await sharpness(get("approve").documentFront)) / 4);
    expect(await sharpness(get("blurred_selfie").selfie)).toBeLessThan((await sharpness(get("approve").selfie)) / 4);

    const duplicate = get("duplicate_document");
    const [original] = duplicate.before ?? [];
    expect(original?.truth.document.number).toBe(duplicate.truth.document.number);
    expect(original?.sessionRequest.endUserId).not.toBe(duplicate.sessionRequest.endUserId);
    expect(original?.expected.status).toBe("approved");
  });
});
