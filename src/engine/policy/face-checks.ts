import { similarity } from "../face/similarity.js";
import type { Check, FaceReading } from "../types.js";
import type { DuplicateMatch } from "./input.js";
import { type Judged, judged } from "./judged.js";
import type { Policy } from "./policy.js";

/** The face model's verdicts on one image: how many faces count, and whether the main one is large and frontal enough. */
function verdicts(reading: FaceReading) {
  const named = (name: string) => reading.checks.find((c) => c.name === name);
  const count = named("face.count")?.score ?? 0;
  // face.blur: the selfie's sharpness, which the engine's run adds (a face found in a blur is still too vague to compare).
  const quality = ["face.size", "face.pose", "face.blur"].map(named).filter((c): c is Check => c !== undefined);
  return { count, qualityOk: quality.every((c) => c.outcome === "pass"), quality, main: reading.faces[0] ?? null };
}

/**
 * One face on the document and one on the selfie, each large and frontal enough, and alike enough.
 * A low similarity counts only when both faces were fit to compare and the document's image was
 * sound: otherwise it is inconclusive, and what made it unfit gives the reason (a new attempt).
 * Two faces of a size on the document (a ghost portrait as large as the main one) is for a person to
 * look at; on the selfie it asks for a new one.
 */
export function faceChecks(documentFace: FaceReading, selfieFace: FaceReading, documentImageOk: boolean, policy: Policy): { judged: Judged[]; signals: Check[] } {
  const doc = verdicts(documentFace);
  const selfie = verdicts(selfieFace);
  const out = [
    judged("face.document.count", doc.count === 1 ? "pass" : doc.count === 0 ? "fail" : "inconclusive", { faces: doc.count }, { score: doc.count, threshold: 1 }),
    judged("face.selfie.count", selfie.count === 1 ? "pass" : "fail", { faces: selfie.count }, { score: selfie.count, threshold: 1 }),
  ];
  if (doc.main) out.push(judged("face.document.quality", doc.qualityOk ? "pass" : "fail", { checks: doc.quality }));
  if (selfie.main) out.push(judged("face.selfie.quality", selfie.qualityOk ? "pass" : "fail", { checks: selfie.quality }));

  if (doc.main && selfie.main) {
    const score = similarity(doc.main.embedding, selfie.main.embedding);
    const fit = doc.count === 1 && selfie.count === 1 && doc.qualityOk && selfie.qualityOk && documentImageOk;
    const outcome = score >= policy.face.threshold ? "pass" : fit && score < policy.face.reviewFrom ? "fail" : "inconclusive";
    out.push(judged("face.similarity", outcome, { reviewFrom: policy.face.reviewFrom, fitToCompare: fit }, { score: Math.round(score * 1000) / 1000, threshold: policy.face.threshold }));
  }
  return { judged: out, signals: weakSignals(selfie.main) };
}

/** The selfie's antispoof and liveness scores, for the record: they did not tell prints from real faces here, so they decide nothing. */
function weakSignals(face: FaceReading["faces"][number] | null): Check[] {
  if (!face) return [];
  return [
    { name: "face.selfie.antispoof", outcome: "inconclusive", score: face.antispoof, threshold: null, evidence: { weakSignal: true } },
    { name: "face.selfie.liveness", outcome: "inconclusive", score: face.live, threshold: null, evidence: { weakSignal: true } },
  ];
}

/** The other sessions the caller found with this document number or this face. */
export function duplicateChecks(duplicates: readonly DuplicateMatch[]): Judged[] {
  return (["document", "face"] as const).map((kind) => {
    const found = duplicates.filter((d) => d.kind === kind);
    return judged(kind === "document" ? "duplicate.document" : "duplicate.face", found.length === 0 ? "pass" : "fail", { sessions: found.map(({ sessionId, score }) => (score === undefined ? { sessionId } : { sessionId, score })) }, { score: found.length, threshold: 0 });
  });
}
