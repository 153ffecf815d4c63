import type { Check } from "../types.js";
import { decodeUpload, UndecodableImage, type DecodedImage } from "./decode.js";
import { grayAt, laplacianVariance } from "./gray.js";
import { glareShare, meanLuminance } from "./measure.js";

/**
 * Thresholds, calibrated on ../shared/data (31 numbered MRZ specimens, the 2 ICAO specimens, the 5
 * face portraits) and on degraded copies of each (blur σ1 and σ2, a synthetic reflection, 20% of
 * the light): each threshold sits between what the originals and the degraded copies scored.
 */
export const QUALITY_THRESHOLDS = {
  /** Shortest side of the upload, px. The smallest specimen (250×159) still reads. */
  minSide: 150,
  /** Laplacian variance at 640 px: every original ≥ 104, blurred σ2 at its own size ≤ 40 (most ≤ 25). */
  blur: 60,
  /** Share of the picture lost to reflections: originals ≤ 7.4%, a reflection over a sixth of the page adds 3.5%. */
  glare: 0.03,
  /** Glare this many times the threshold hides too much to read: fail rather than inconclusive. */
  glareFailFactor: 3,
  /** Mean luminance: every original ≥ 65, the same at 20% light ≤ 47. */
  darkness: 55,
} as const;

/** The side the blur and darkness scores are measured at, so that they compare across uploads. */
const MEASURE_SIDE = 640;

export interface AssessedImage {
  /** Null when the bytes could not be decoded. */
  image: DecodedImage | null;
  checks: Check[];
}

/** Decodes an upload and measures what makes a picture unusable. `role` prefixes the check names. */
export async function assessUpload(bytes: Buffer, role: string): Promise<AssessedImage> {
  let image: DecodedImage;
  try {
    image = await decodeUpload(bytes);
  } catch (error) {
    if (!(error instanceof UndecodableImage)) throw error;
    return { image: null, checks: [check(`${role}.decodable`, "fail", null, null, { error: error.message })] };
  }
  const { original } = image;
  const checks = [check(`${role}.decodable`, "pass", null, null, { format: original.format, width: original.width, height: original.height })];
  checks.push(...(await assessQuality(image, role)));
  return { image, checks };
}

export async function assessQuality(image: DecodedImage, role: string): Promise<Check[]> {
  const t = QUALITY_THRESHOLDS;
  const minSide = Math.min(image.original.width, image.original.height);
  const gray = await grayAt(image, MEASURE_SIDE);
  const blur = laplacianVariance(gray);
  const glare = await glareShare(image);
  const luminance = meanLuminance(gray);
  const glareOutcome = glare.share <= t.glare ? "pass" : glare.share <= t.glare * t.glareFailFactor ? "inconclusive" : "fail";
  return [
    check(`${role}.size`, minSide >= t.minSide ? "pass" : "fail", minSide, t.minSide, { width: image.original.width, height: image.original.height }),
    check(`${role}.blur`, blur >= t.blur ? "pass" : "fail", round(blur), t.blur, { measure: "laplacian variance", side: MEASURE_SIDE }),
    check(`${role}.glare`, glareOutcome, round(glare.share, 4), t.glare, { patches: glare.patches, failAbove: t.glare * t.glareFailFactor }),
    check(`${role}.darkness`, luminance >= t.darkness ? "pass" : "fail", round(luminance), t.darkness, { measure: "mean luminance 0-255" }),
  ];
}

function check(name: string, outcome: Check["outcome"], score: number | null, threshold: number | null, evidence: Record<string, unknown>): Check {
  return { name, outcome, score, threshold, evidence };
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
