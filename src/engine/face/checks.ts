import type { Check, FaceFound } from "../types.js";

/** Narrower than this (pixels of the image as sent), a face's descriptor is mostly noise. */
export const MIN_FACE_WIDTH = 80;
/** Degrees of yaw or pitch beyond which a face is no longer near-frontal: turned faces make most false matches. */
export const MAX_POSE_DEGREES = 20;
/**
 * A second face counts only when it is at least this share of the largest face's width: the ghost
 * portrait printed beside the main one on many passports and ID cards is smaller, a second person
 * in a selfie is not.
 */
export const COMPARABLE_FACE_SHARE = 0.6;

/** The faces that count, largest first: the largest and any of comparable size. */
export function countedFaces(faces: readonly FaceFound[]): FaceFound[] {
  const largest = faces[0]?.box.width ?? 0;
  return faces.filter((face) => face.box.width >= largest * COMPARABLE_FACE_SHARE);
}

const check = (name: string, outcome: Check["outcome"], score: number | null, threshold: number | null, evidence: Record<string, unknown>): Check => ({ name, outcome, score, threshold, evidence });

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/** What one image's faces say, as checks: how many, and whether the main one is large and frontal enough. Faces come largest first. */
export function faceChecks(faces: readonly FaceFound[], image: { width: number; height: number }): Check[] {
  const counted = countedFaces(faces);
  const evidence = { image, faces: faces.map(({ box, score, pose }) => ({ box, score: round(score), pose })) };
  const checks = [check("face.count", counted.length === 1 ? "pass" : "fail", counted.length, 1, { ...evidence, ignoredSmaller: faces.length - counted.length })];
  const main = faces[0];
  if (!main) return [...checks, ...["face.size", "face.pose"].map((name) => check(name, "inconclusive", null, null, { reason: "no face" }))];
  const turned = Math.max(Math.abs(main.pose.yaw), Math.abs(main.pose.pitch));
  checks.push(
    check("face.size", main.box.width >= MIN_FACE_WIDTH ? "pass" : "fail", main.box.width, MIN_FACE_WIDTH, { box: main.box }),
    check("face.pose", turned <= MAX_POSE_DEGREES ? "pass" : "fail", round(turned, 1), MAX_POSE_DEGREES, { pose: main.pose }),
    // Weak signals only (measured here, printed faces scored higher than real ones): recorded, never a gate.
    check("face.antispoof", "inconclusive", main.antispoof, null, { weakSignal: true }),
    check("face.liveness", "inconclusive", main.live, null, { weakSignal: true }),
  );
  return checks;
}

/** The reading of an image that could not be decoded: no faces, and why. */
export function undecodableChecks(error: string): Check[] {
  return [check("face.image", "fail", null, null, { reason: "the image could not be decoded", error })];
}
