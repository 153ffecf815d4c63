import { parse } from "mrz";
import type { DocumentFields, DocumentType } from "../types.js";
import { alpha2Of, SPECIMEN_STATES } from "./countries.js";
import { isVisaLayout, type MrzLayout } from "./mrz-layout.js";
import type { MrzReadout } from "./mrz-text.js";

export interface MrzFields {
  fields: DocumentFields;
  specimen: boolean;
  /** What `mrz` found wrong beyond the check digits (dates, codes), specimen state codes excepted. */
  errors: string[];
}

/**
 * Turns a readout into Veriff's fields. TD1/TD2/TD3 are validated by `mrz`; it knows no visa
 * formats and no specimen state, so visas are read from the layout alone and its complaint about
 * UTO is dropped (the document is flagged as a specimen instead).
 */
export function fieldsOfReadout(readout: MrzReadout, today: Date): MrzFields {
  const { lines, layout } = readout;
  const raw = (name: string) => {
    const field = layout.fields.find((f) => f.name === name);
    return field ? lines[field.line]!.slice(field.start, field.end) : "";
  };
  const issuing = raw("issuingState").replace(/<+$/, "");
  const nationality = raw("nationality").replace(/<+$/, "");
  const specimen = SPECIMEN_STATES.has(issuing) || SPECIMEN_STATES.has(nationality);

  let errors: string[] = [];
  let documentNumber = strip(raw("documentNumber"));
  if (!isVisaLayout(layout)) {
    try {
      const result = parse(lines);
      errors = result.details
        .filter((detail) => !detail.valid && detail.error)
        .filter((detail) => !(specimen && /state code/i.test(detail.error!)))
        .map((detail) => `${detail.label}: ${detail.error}`);
      documentNumber = result.documentNumber ?? documentNumber;
    } catch (error) {
      errors = [String((error as Error).message ?? error)];
    }
  }
  const [lastName, firstName] = namesOf(raw("names"));
  const sex = raw("sex");
  // A value is withheld (null: a person looks) rather than reported wrong: when its own check digit
  // fails, when its check digit holds but the value cannot be right, or when a code is no state's.
  const vouched = (check: string) => !readout.invalid.includes(check) && !readout.doubtful.includes(check);
  return {
    specimen,
    errors,
    fields: {
      firstName,
      lastName,
      dateOfBirth: vouched("birthDate") ? birthDate(raw("birthDate"), today) : null,
      gender: sex === "M" || sex === "F" ? sex : null,
      nationality: stateOf(nationality),
      documentNumber: vouched("documentNumber") ? documentNumber || null : null,
      documentType: documentTypeOf(raw("documentCode"), layout),
      issuingCountry: stateOf(issuing),
      validUntil: vouched("expirationDate") ? expiryDate(raw("expirationDate")) : null,
      personalNumber: vouched("personalNumber") ? strip(layout.format === "TD1" ? tdOneOptional(lines[0]!) : layout.format === "TD3" ? raw("optional") : "") || null : null,
    },
  };
}

/** Veriff's alpha-2 for a state code; a specimen's code as printed; nothing for a code that is no state's. */
function stateOf(code: string): string | null {
  if (!code) return null;
  return alpha2Of(code) ?? (SPECIMEN_STATES.has(code) ? code : null);
}

/** Primary identifier, then secondary, split at the first `<<`; single fillers are spaces. */
function namesOf(field: string): [string | null, string | null] {
  const [primary = "", ...rest] = field.replace(/<+$/, "").split("<<");
  const secondary = rest.join(" ");
  const clean = (part: string) => part.replace(/</g, " ").replace(/\s+/g, " ").trim() || null;
  return [clean(primary), clean(secondary)];
}

/** TD1's optional data after the document number (and after a long number's run-on). */
function tdOneOptional(line: string): string {
  const optional = line.slice(15);
  return line[14] === "<" ? optional.replace(/^[A-Z0-9]+</, "") : optional;
}

/** MRZ dates have two-digit years: a birth date is in the past, so it is 19YY when 20YY has not come yet. */
function birthDate(yymmdd: string, today: Date): string | null {
  const iso = isoOf(2000, yymmdd);
  if (!iso) return null;
  return iso > today.toISOString().slice(0, 10) ? isoOf(1900, yymmdd) : iso;
}

/** Documents issued today expire in this century. */
function expiryDate(yymmdd: string): string | null {
  return isoOf(2000, yymmdd);
}

function isoOf(century: number, yymmdd: string): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const year = century + Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** ICAO document codes: P passport; I, A, C identity cards (R second: residence permits); V visa (no Veriff type). */
function documentTypeOf(code: string, layout: MrzLayout): DocumentType | null {
  if (isVisaLayout(layout)) return null;
  const [first, second] = code;
  if (first === "P") return "PASSPORT";
  if (first === "I" || first === "A" || first === "C") return second === "R" ? "RESIDENCE_PERMIT" : "ID_CARD";
  if (first === "D") return "DRIVERS_LICENSE";
  return null;
}

function strip(value: string): string {
  return value.replace(/</g, "");
}
