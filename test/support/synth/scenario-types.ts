/** What a scenario hands the engine's tests: the uploads, the session request, the expected decision and the truth. */
import type { IsoDate } from "./dates.js";
import type { DocumentType, Sex } from "./identity.js";
import type { PersonId } from "./faces.js";
import type { Point } from "./photo/homography.js";
import type { PhotoParams } from "./photo/params.js";
import type { SelfieParams } from "./photo/selfie.js";

/** The body an integrator would POST as `verification` (Veriff's field names). */
export interface SessionRequest {
  person: { firstName: string; lastName: string; dateOfBirth?: string; idNumber?: string };
  document?: { type: DocumentType; country: string; number?: string };
  vendorData?: string;
  endUserId?: string;
}

/** Our proposal of the decision; the policy may settle otherwise, and says why when it does. */
export interface Expected {
  status: "approved" | "declined" | "resubmission_requested" | "review";
  /** Veriff's verification code: 9001, 9102, 9103, 9121. */
  code: 9001 | 9102 | 9103 | 9121;
  reasonCode: number | null;
  because: string;
}

export interface PhotoTruth {
  params: PhotoParams;
  width: number;
  height: number;
  corners: Point[];
  mrz: Point[] | null;
  barcode: Point[] | null;
}

export interface Truth {
  document: {
    type: DocumentType;
    /** ICAO code as printed ("D" for Germany). */
    issuingState: string;
    /** ISO alpha-2, as Veriff reports `document.country`. */
    country: string | null;
    number: string;
    personalNumber: string | null;
    dateOfIssue: IsoDate;
    validUntil: IsoDate;
    specimen: boolean;
  };
  person: {
    firstName: string;
    lastName: string;
    /** In its own script, when that is not Latin. */
    nativeName: { firstName: string; lastName: string } | null;
    gender: Sex;
    dateOfBirth: IsoDate;
    nationality: string | null;
    /** Whose face is on the document. */
    face: PersonId;
  };
  /** The MRZ the document should carry, and the one printed (they differ only when tampered). */
  mrz: string[] | null;
  mrzPrinted: string[] | null;
  /** The PDF417's text, for driving licences. */
  aamva: string | null;
  front: PhotoTruth;
  back: PhotoTruth | null;
  selfie: SelfieParams;
  tampering: { line: number; column: number; original: string; printed: string } | null;
}

export interface Scenario {
  name: string;
  documentFront: Buffer;
  documentBack?: Buffer;
  selfie: Buffer;
  sessionRequest: SessionRequest;
  expected: Expected;
  truth: Truth;
  /** Sessions of the same integration to submit, and see decided, before this one. */
  before?: Scenario[];
}
