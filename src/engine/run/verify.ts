import { createHash } from "node:crypto";
import { createDocumentReader } from "../document/reader.js";
import { createFaceModel } from "../face/model.js";
import { selfieSharpness } from "./selfie.js";
import { decide } from "../policy/decide.js";
import type { Decision, DuplicateMatch, SessionClaims } from "../policy/input.js";
import type { Policy } from "../policy/policy.js";
import type { DocumentReading, DocumentType, FaceReading } from "../types.js";
import { type ExtractedDocument, type ExtractedPerson, extracted } from "./fields.js";
import { type EngineVersions, engineVersions } from "./versions.js";

/** One attempt, as the job hands it to an engine worker. The images are moved, not copied, across threads. */
export interface VerifyInput {
  documentFront: Uint8Array;
  documentBack?: Uint8Array;
  selfie: Uint8Array;
  /** The type the session asked for: a driving licence's back is tried for its barcode first. */
  documentType?: DocumentType | null;
  /** What the integrator sent about the person and the document. */
  claims: SessionClaims;
  policy: Policy;
  /** The sessions the caller found in the store with this document number or face. */
  duplicates: readonly DuplicateMatch[];
  /** The moment judged at (expiry, age); a replay passes the original one. */
  now: Date;
}

/** Wall-clock milliseconds of each step; the three readings overlap, so they add up to more than `totalMs`. */
export interface VerifyTimings {
  documentMs: number;
  documentFaceMs: number;
  selfieFaceMs: number;
  decideMs: number;
  totalMs: number;
}

export interface Verification extends Decision {
  person: ExtractedPerson;
  document: ExtractedDocument;
  /** Where the document's fields came from. */
  source: "mrz" | "pdf417" | null;
  versions: EngineVersions;
  /** SHA-256 (hex) of every image exactly as received. */
  images: { documentFront: string; documentBack: string | null; selfie: string };
  timings: VerifyTimings;
  /**
   * What the checks were made from: the caller decides again from these once it knows the
   * duplicates (the document number and the selfie's descriptor are known only after the reading).
   */
  readings: { document: DocumentReading; documentFace: FaceReading; selfieFace: FaceReading };
}

export interface Verifier {
  versions: EngineVersions;
  /** Bytes the face model holds in tensors: steady once loaded. */
  tensorBytes(): number;
  verify(input: VerifyInput): Promise<Verification>;
  /** The faces in one image alone (bench:engine-face measures the face model through the pool). */
  readFace(image: Buffer): Promise<FaceReading>;
  close(): Promise<void>;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
/** A Buffer over the same memory (bytes that crossed threads arrive as a plain Uint8Array). */
const bufferOf = (view: Uint8Array) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
const ms = (since: number) => Math.round(performance.now() - since);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, ms(started)];
}

/**
 * The engine of one thread: the document reader (Tesseract, zxing) and the face model (human),
 * loaded together, once. A verification reads the document and both faces at once (Tesseract
 * recognises in its own thread while human runs here), each image decoded once for all of them
 * (decodeUpload), then decides.
 */
export async function createVerifier(): Promise<Verifier> {
  const [documents, face] = await Promise.all([createDocumentReader(), createFaceModel()]);
  const versions = engineVersions(face.info);

  return {
    versions,
    tensorBytes: face.tensorBytes,
    readFace: (image) => face.read(image),
    async verify(input) {
      const started = performance.now();
      const front = bufferOf(input.documentFront);
      const back = input.documentBack ? bufferOf(input.documentBack) : undefined;
      const selfie = bufferOf(input.selfie);
      const images = { documentFront: sha256(front), documentBack: back ? sha256(back) : null, selfie: sha256(selfie) };
      const today = input.now;
      const [[reading, documentMs], [documentFace, documentFaceMs], [selfieFaces, selfieFaceMs], sharpness] = await Promise.all([
        timed(() => documents.read({ front, ...(back ? { back } : {}) }, { documentType: input.documentType ?? null, today })),
        // The portrait is on the front of every document the engine reads (an ID card's MRZ is on its back).
        timed(() => face.read(front, { printed: true })),
        timed(() => face.read(selfie)),
        selfieSharpness(selfie),
      ]);
      const selfieFace = sharpness && selfieFaces.faces.length > 0 ? { ...selfieFaces, checks: [...selfieFaces.checks, sharpness] } : selfieFaces;
      const decidedAt = performance.now();
      const decision = decide({ document: reading, documentFace, selfieFace, session: input.claims, duplicates: input.duplicates, policy: input.policy, now: input.now });
      const decideMs = ms(decidedAt);
      return {
        ...decision,
        ...extracted(reading.fields),
        source: reading.source,
        versions,
        images,
        timings: { documentMs, documentFaceMs, selfieFaceMs, decideMs, totalMs: ms(started) },
        readings: { document: reading, documentFace, selfieFace },
      };
    },
    async close() {
      await Promise.all([documents.close(), face.close()]);
    },
  };
}
