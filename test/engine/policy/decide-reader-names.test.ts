/** The policy on the check names the engine's readers really emit (document.front.*, face.blur), not only the generic ones. */
import { describe, expect, it } from "vitest";
import { decide } from "../../../src/engine/policy/decide.js";
import type { Check } from "../../../src/engine/types.js";
import { aFace, aFaceReading, anInput, aPassport, descriptor } from "./fixtures.js";

const verdict = (d: ReturnType<typeof decide>) => ({ status: d.status, code: d.code, reasonCode: d.reasonCode });
const check = (name: string, outcome: Check["outcome"], score: number | null = null): Check => ({ name, outcome, score, threshold: null, evidence: {} });

describe("the reader's own check names", () => {
  it("asks for a new photo (204) when the reader finds the document's front blurred", () => {
    const blurred = aPassport({ checks: [check("document.front.decodable", "pass"), check("document.front.blur", "fail", 12)] });
    const d = decide(anInput({ document: blurred }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 204 });
    expect(d.checks.find((c) => c.name === "document.image_quality")!.evidence).toEqual({ failed: ["document.front.blur"] });
  });

  it("counts a glared back as well, and ignores the reader's other checks", () => {
    const glared = aPassport({ checks: [check("document.back.glare", "fail", 0.2), check("mrz.found", "pass")] });
    expect(verdict(decide(anInput({ document: glared })))).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 204 });
    const clean = aPassport({ checks: [check("document.front.blur", "pass"), check("mrz.found", "pass")] });
    expect(decide(anInput({ document: clean })).status).toBe("approved");
  });

  it("asks for a new selfie (202) when the selfie is blurred, even though a face was found in it", () => {
    const selfie = aFaceReading([aFace({ embedding: descriptor(0.53) })]);
    selfie.checks.push(check("face.blur", "fail", 3.2));
    expect(verdict(decide(anInput({ selfieFace: selfie })))).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 202 });
  });

  it("approves a sharp selfie of the same face", () => {
    const selfie = aFaceReading([aFace({ embedding: descriptor(0.9) })]);
    selfie.checks.push(check("face.blur", "pass", 140));
    expect(decide(anInput({ selfieFace: selfie })).status).toBe("approved");
  });
});
