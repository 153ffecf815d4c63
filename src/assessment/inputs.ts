import { decide } from "../engine/policy/decide.js";
import type { Decision, DuplicateMatch, SessionClaims } from "../engine/policy/input.js";
import type { Policy } from "../engine/policy/policy.js";
import type { VerifyInput } from "../engine/run/verify.js";
import type { DocumentType } from "../engine/types.js";
import type { InitData } from "../sessions/init-data.js";

/** The images the engine reads: the last of each context in the attempt. */
export const ENGINE_CONTEXTS = ["document-front", "document-back", "face"] as const;

export type AttemptImages = Map<string, { bytes: Buffer; sha256: string }>;

/** What the integrator sent, as the policy compares it. */
export function claimsOf(init: InitData): SessionClaims {
  return { ...(init.person ? { person: init.person } : {}), ...(init.document ? { document: init.document } : {}) };
}

export interface Judging {
  claims: SessionClaims;
  policy: Policy;
  duplicates: DuplicateMatch[];
  now: Date;
}

/** The worker's task for an attempt with a document front and a selfie; null when one is missing (nothing to compare). */
export function verifyInputOf(images: AttemptImages, { claims, policy, duplicates, now }: Judging): VerifyInput | null {
  const [front, back, selfie] = [images.get("document-front"), images.get("document-back"), images.get("face")];
  if (!front || !selfie) return null;
  return {
    documentFront: front.bytes,
    ...(back ? { documentBack: back.bytes } : {}),
    selfie: selfie.bytes,
    documentType: (claims.document?.type as DocumentType | null | undefined) ?? null,
    claims,
    policy,
    duplicates,
    now,
  };
}

/** The decision on an attempt missing its document front or its selfie: on the main thread, nothing to read. */
export function decideUnread(images: AttemptImages, { claims, policy, duplicates, now }: Judging): Decision {
  const submitted = { document: images.has("document-front"), selfie: images.has("face") };
  return decide({ document: null, documentFace: null, selfieFace: null, session: claims, duplicates, policy, now, submitted });
}
