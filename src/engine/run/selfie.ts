import { assessUpload, QUALITY_THRESHOLDS } from "../image/quality.js";
import type { Check } from "../types.js";

/**
 * The selfie's sharpness, as a face check ("face.blur"): the face model still finds a face in a
 * heavy blur, and its descriptor then lands in the review band for anyone, so a blurred selfie must
 * ask for a new one (202) rather than a person's look. Laplacian variance at 640 px against the
 * documents' threshold (60): on the synthetic scenarios clean selfies score 93-267 and a σ 9-13
 * blur 3; engine-lab §6 suggests 60-80 for selfies. Glare and darkness are recorded, not gated
 * (not calibrated on selfies). Null when the selfie is not an image (the face model says so).
 */
export async function selfieSharpness(selfie: Buffer): Promise<Check | null> {
  const { image, checks } = await assessUpload(selfie, "selfie");
  if (!image) return null;
  const blur = checks.find((c) => c.name === "selfie.blur");
  const score = blur?.score ?? null;
  return {
    name: "face.blur",
    outcome: score === null ? "inconclusive" : score >= QUALITY_THRESHOLDS.blur ? "pass" : "fail",
    score,
    threshold: QUALITY_THRESHOLDS.blur,
    evidence: { measure: "laplacian variance at 640 px", image: Object.fromEntries(checks.map((c) => [c.name, c.score])) },
  };
}
