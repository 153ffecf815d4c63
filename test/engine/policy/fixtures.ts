import type { DecisionInput } from "../../../src/engine/policy/input.js";
import { DEFAULT_POLICY, type Policy } from "../../../src/engine/policy/policy.js";
import type { Check, DocumentReading, FaceFound, FaceReading } from "../../../src/engine/types.js";

/** A day the documents below are valid on and their holder (born 1990-05-20) is 36. */
export const NOW = new Date("2026-12-04T12:00:00Z");

const check = (name: string, outcome: Check["outcome"] = "pass"): Check => ({ name, outcome, score: null, threshold: null, evidence: {} });

/** A passport read cleanly off a sharp photo: Anna Maria Eriksson, Swedish, valid until 2030. */
export function aPassport(over: { fields?: Partial<DocumentReading["fields"]>; mrz?: Partial<NonNullable<DocumentReading["mrz"]>> | null; source?: DocumentReading["source"]; checks?: Check[] } = {}): DocumentReading {
  return {
    source: over.source === undefined ? "mrz" : over.source,
    mrz: over.mrz === null ? null : { format: "TD3", lines: ["P<SWEERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "AA12345674SWE9005207F3005203198005201234<<42"], checkDigitsValid: true, specimen: false, failing: [], compositeHolds: true, agreeingReads: 1, withheld: [], ...over.mrz },
    fields: {
      firstName: "ANNA MARIA",
      lastName: "ERIKSSON",
      dateOfBirth: "1990-05-20",
      gender: "F",
      nationality: "SE",
      documentNumber: "AA1234567",
      documentType: "PASSPORT",
      issuingCountry: "SE",
      validUntil: "2030-05-20",
      personalNumber: "199005201234",
      ...over.fields,
    },
    checks: over.checks ?? [check("image.decodable"), check("image.blur"), check("image.glare")],
  };
}

/** A unit-length descriptor whose cosine with `base()` is `similarity`. */
export const descriptor = (similarity: number) => [similarity, Math.sqrt(1 - similarity * similarity), 0, 0];
export const base = () => descriptor(1);

export function aFace(over: Partial<FaceFound> = {}): FaceFound {
  return { box: { x: 100, y: 100, width: 300, height: 300 }, score: 0.99, pose: { yaw: 2, pitch: 3, roll: 0 }, embedding: base(), antispoof: 0.7, live: 0.95, ...over };
}

/** What the face model reports for these faces (the same checks it makes: count, size, pose). */
export function aFaceReading(faces: FaceFound[], over: { count?: number; size?: Check["outcome"]; pose?: Check["outcome"] } = {}): FaceReading {
  const count = over.count ?? faces.length;
  const checks: Check[] = [{ ...check("face.count", count === 1 ? "pass" : "fail"), score: count, threshold: 1 }];
  if (faces.length > 0) checks.push(check("face.size", over.size ?? "pass"), check("face.pose", over.pose ?? "pass"));
  return { faces, checks };
}

export function policyWith(over: Partial<Policy> = {}): Policy {
  return { ...DEFAULT_POLICY, ...over, face: { ...DEFAULT_POLICY.face, ...over.face } };
}

/** A clean attempt: the passport above, a selfie of the same face, claims that agree with the document. */
export function anInput(over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    document: aPassport(),
    documentFace: aFaceReading([aFace()]),
    selfieFace: aFaceReading([aFace({ embedding: descriptor(0.9) })]),
    session: { person: { firstName: "Anna", lastName: "Eriksson", dateOfBirth: "1990-05-20" }, document: { type: "PASSPORT", country: "SE", number: "AA1234567" } },
    duplicates: [],
    policy: policyWith(),
    now: NOW,
    ...over,
  };
}
