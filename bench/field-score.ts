/**
 * Field-by-field scoring of what the reader returned against a transcribed truth: a field is
 * exact, withheld (the reader returned nothing: inconclusive, a person looks) or wrong (a value
 * that is not the document's, the case that must stay rare).
 */
import type { DocumentFields } from "../src/engine/types.js";
import { alpha2Of } from "../src/engine/document/index.js";

export interface FieldTruth {
  documentNumber: string;
  lastName: string | null;
  firstName: string | null;
  /** The MRZ's YYMMDD. */
  birthDate: string;
  expiryDate: string;
  sex: "M" | "F" | null;
  issuingState: string;
  nationality: string;
}

export const SCORED_FIELDS = ["documentNumber", "lastName", "firstName", "birthDate", "expiryDate", "sex", "issuingState", "nationality"] as const;
export type ScoredField = (typeof SCORED_FIELDS)[number];
export type FieldOutcome = "exact" | "withheld" | "wrong";

/** ISO date to the MRZ's YYMMDD (the century is the reader's guess, not what is printed). */
const yymmdd = (iso: string | null) => (iso ? iso.slice(2).replace(/-/g, "") : null);
const country = (code: string) => (code === "" ? null : (alpha2Of(code) ?? code));

function readValue(fields: DocumentFields, field: ScoredField): string | null {
  switch (field) {
    case "documentNumber": return fields.documentNumber;
    case "lastName": return fields.lastName;
    case "firstName": return fields.firstName;
    case "birthDate": return yymmdd(fields.dateOfBirth);
    case "expiryDate": return yymmdd(fields.validUntil);
    case "sex": return fields.gender;
    case "issuingState": return fields.issuingCountry;
    case "nationality": return fields.nationality;
  }
}

function truthValue(truth: FieldTruth, field: ScoredField): string | null {
  if (field === "issuingState" || field === "nationality") return country(truth[field]);
  return truth[field];
}

/** Each field's outcome; fields the truth leaves out (null: not on the document in ICAO form) are not scored. */
export function scoreFields(fields: DocumentFields, truth: FieldTruth): Partial<Record<ScoredField, FieldOutcome>> {
  const out: Partial<Record<ScoredField, FieldOutcome>> = {};
  for (const field of SCORED_FIELDS) {
    const expected = truthValue(truth, field);
    if (expected === null && field !== "sex" && field !== "nationality") continue;
    const read = readValue(fields, field);
    out[field] = read === expected ? "exact" : read === null ? "withheld" : "wrong";
  }
  return out;
}

/** Totals per field over many documents, printed as "exact/withheld/wrong". */
export class FieldTally {
  private counts = new Map<ScoredField, Record<FieldOutcome, number>>();
  add(scores: Partial<Record<ScoredField, FieldOutcome>>): void {
    for (const [field, outcome] of Object.entries(scores) as [ScoredField, FieldOutcome][]) {
      const count = this.counts.get(field) ?? { exact: 0, withheld: 0, wrong: 0 };
      count[outcome]++;
      this.counts.set(field, count);
    }
  }
  lines(): string[] {
    return SCORED_FIELDS.filter((f) => this.counts.has(f)).map((field) => {
      const c = this.counts.get(field)!;
      return `  ${field.padEnd(15)} exact ${String(c.exact).padStart(3)}  withheld ${String(c.withheld).padStart(3)}  wrong ${String(c.wrong).padStart(3)}`;
    });
  }
  total(outcome: FieldOutcome): number {
    return [...this.counts.values()].reduce((sum, c) => sum + c[outcome], 0);
  }
}
