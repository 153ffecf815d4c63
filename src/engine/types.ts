/**
 * What the engine's parts hand each other: the readings taken from the images (in worker threads)
 * and the checks a decision is made from. Everything here crosses a thread boundary, so it is plain
 * data (no class instances, no functions).
 */

export type CheckOutcome = "pass" | "fail" | "inconclusive";

/** One recorded check: what a reviewer sees and what the policy decides from. */
export interface Check {
  /** A stable name, e.g. "image.blur", "mrz.check_digits", "face.similarity". */
  name: string;
  outcome: CheckOutcome;
  /** The measured value, when the check measures one. */
  score: number | null;
  /** The value the score was held against. */
  threshold: number | null;
  /** What a person needs to see why (JSON-serialisable, never an image). */
  evidence: Record<string, unknown>;
}

export type DocumentType = "PASSPORT" | "ID_CARD" | "DRIVERS_LICENSE" | "RESIDENCE_PERMIT";

/** The fields read off a document, in Veriff's vocabulary. Dates are ISO `YYYY-MM-DD`; countries ISO 3166-1 alpha-2. */
export interface DocumentFields {
  firstName: string | null;
  lastName: string | null;
  dateOfBirth: string | null;
  gender: "M" | "F" | null;
  /** alpha-2 where the code maps to one, else the code as printed. */
  nationality: string | null;
  documentNumber: string | null;
  documentType: DocumentType | null;
  /** Issuing state, alpha-2 where it maps to one, else the code as printed. */
  issuingCountry: string | null;
  validUntil: string | null;
  personalNumber: string | null;
}

/** The MRZ as read and repaired, and what its check digits say. */
export interface MrzReading {
  format: "TD1" | "TD2" | "TD3";
  /** One string per line. */
  lines: string[];
  checkDigitsValid: boolean;
  specimen: boolean;
  /** The check digits that do not hold. */
  failing: string[];
  /** Whether the composite check digit holds; null for the formats that have none (visas). */
  compositeHolds: boolean | null;
  /** How many OCR passes read exactly these lines: a failing digit read alike twice is printed so. */
  agreeingReads: number;
  /** Fields whose check digit holds but whose value cannot be right: withheld (null in the fields). */
  withheld: string[];
}

/** What the document reader made of one document's images. */
export interface DocumentReading {
  /** Where the fields came from. */
  source: "mrz" | "pdf417" | null;
  /** The MRZ as read and repaired, one string per line, when there was one. */
  mrz: MrzReading | null;
  fields: DocumentFields;
  /** Quality of each image and every reading step, in order. */
  checks: Check[];
}

/** One face found in an image. */
export interface FaceFound {
  box: { x: number; y: number; width: number; height: number };
  /** Detector confidence, 0..1. */
  score: number;
  /** Degrees. */
  pose: { yaw: number; pitch: number; roll: number };
  /** The face's descriptor; compared with `similarity` of the face module. */
  embedding: number[];
  /** Weak signals only (engine-lab §4.5): recorded, never a gate. */
  antispoof: number | null;
  live: number | null;
}

/** What the face model made of one image. */
export interface FaceReading {
  faces: FaceFound[];
  checks: Check[];
}
