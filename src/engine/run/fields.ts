import type { DocumentFields } from "../types.js";

/** The person read off the document, in Veriff's shape (`GET /person`, the decision webhook's `verification.person`). */
export interface ExtractedPerson {
  firstName: string | null;
  lastName: string | null;
  dateOfBirth: string | null;
  gender: "M" | "F" | null;
  nationality: string | null;
  idNumber: string | null;
}

/** The document read, in Veriff's shape (`verification.document`). */
export interface ExtractedDocument {
  number: string | null;
  type: DocumentFields["documentType"];
  country: string | null;
  validUntil: string | null;
}

/** Veriff's `idNumber` is the national/personal number; a document without one leaves it null. */
export function extracted(fields: DocumentFields): { person: ExtractedPerson; document: ExtractedDocument } {
  return {
    person: {
      firstName: fields.firstName,
      lastName: fields.lastName,
      dateOfBirth: fields.dateOfBirth,
      gender: fields.gender,
      nationality: fields.nationality,
      idNumber: fields.personalNumber,
    },
    document: { number: fields.documentNumber, type: fields.documentType, country: fields.issuingCountry, validUntil: fields.validUntil },
  };
}
