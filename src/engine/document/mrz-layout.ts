/**
 * Where each field sits in the three ICAO 9303 formats and what it may hold, so that OCR confusions
 * are repaired only where the character type is known (digits in dates and check digits, letters in
 * names and state codes) and check digits can be recomputed without a full parse.
 */
/** MRVA and MRVB are the visa formats: TD3 and TD2 sizes, with no composite and no personal number check. */
export type MrzFormat = "TD1" | "TD2" | "TD3" | "MRVA" | "MRVB";

/** alpha: letters and fillers; digits: digits only; alnum: either; sex: M, F, X or filler. */
export type CharClass = "alpha" | "digits" | "alnum" | "sex" | "check";

export interface FieldSpan {
  name: string;
  line: number;
  start: number;
  end: number;
  kind: CharClass;
}

/** A check digit over one or more spans (the composite covers several). */
export interface CheckSpan {
  name: string;
  covers: { line: number; start: number; end: number }[];
  line: number;
  at: number;
}

export interface MrzLayout {
  format: MrzFormat;
  lineLength: number;
  lineCount: number;
  fields: FieldSpan[];
  checks: CheckSpan[];
}

const span = (name: string, line: number, start: number, end: number, kind: CharClass): FieldSpan => ({ name, line, start, end, kind });
const range = (line: number, start: number, end: number) => ({ line, start, end });

/** TD2 and TD3 share their second line's layout up to the optional data. */
function passportLike(format: "TD2" | "TD3", lineLength: 36 | 44): MrzLayout {
  const optionalEnd = lineLength === 44 ? 42 : 35;
  const fields = [
    span("documentCode", 0, 0, 2, "alpha"),
    span("issuingState", 0, 2, 5, "alpha"),
    span("names", 0, 5, lineLength, "alpha"),
    span("documentNumber", 1, 0, 9, "alnum"),
    span("documentNumberCheck", 1, 9, 10, "check"),
    span("nationality", 1, 10, 13, "alpha"),
    span("birthDate", 1, 13, 19, "digits"),
    span("birthDateCheck", 1, 19, 20, "check"),
    span("sex", 1, 20, 21, "sex"),
    span("expirationDate", 1, 21, 27, "digits"),
    span("expirationDateCheck", 1, 27, 28, "check"),
    span("optional", 1, 28, optionalEnd, "alnum"),
    ...(format === "TD3" ? [span("personalNumberCheck", 1, 42, 43, "check")] : []),
    span("compositeCheck", 1, lineLength - 1, lineLength, "check"),
  ];
  const checks: CheckSpan[] = [
    { name: "documentNumber", covers: [range(1, 0, 9)], line: 1, at: 9 },
    { name: "birthDate", covers: [range(1, 13, 19)], line: 1, at: 19 },
    { name: "expirationDate", covers: [range(1, 21, 27)], line: 1, at: 27 },
    ...(format === "TD3" ? [{ name: "personalNumber", covers: [range(1, 28, 42)], line: 1, at: 42 }] : []),
    {
      name: "composite",
      covers: format === "TD3" ? [range(1, 0, 10), range(1, 13, 20), range(1, 21, 43)] : [range(1, 0, 10), range(1, 13, 20), range(1, 21, 35)],
      line: 1,
      at: lineLength - 1,
    },
  ];
  return { format, lineLength, lineCount: 2, fields, checks };
}

const TD1: MrzLayout = {
  format: "TD1",
  lineLength: 30,
  lineCount: 3,
  fields: [
    span("documentCode", 0, 0, 2, "alpha"),
    span("issuingState", 0, 2, 5, "alpha"),
    span("documentNumber", 0, 5, 14, "alnum"),
    span("documentNumberCheck", 0, 14, 15, "check"),
    span("optional1", 0, 15, 30, "alnum"),
    span("birthDate", 1, 0, 6, "digits"),
    span("birthDateCheck", 1, 6, 7, "check"),
    span("sex", 1, 7, 8, "sex"),
    span("expirationDate", 1, 8, 14, "digits"),
    span("expirationDateCheck", 1, 14, 15, "check"),
    span("nationality", 1, 15, 18, "alpha"),
    span("optional2", 1, 18, 29, "alnum"),
    span("compositeCheck", 1, 29, 30, "check"),
    span("names", 2, 0, 30, "alpha"),
  ],
  checks: [
    // A document number longer than 9 characters runs on into optional1, with a filler here:
    // the repair treats that case by recomputing over the run-on (see documentNumberRange).
    { name: "documentNumber", covers: [range(0, 5, 14)], line: 0, at: 14 },
    { name: "birthDate", covers: [range(1, 0, 6)], line: 1, at: 6 },
    { name: "expirationDate", covers: [range(1, 8, 14)], line: 1, at: 14 },
    { name: "composite", covers: [range(0, 5, 30), range(1, 0, 7), range(1, 8, 15), range(1, 18, 29)], line: 1, at: 29 },
  ],
};

/** A visa's second line: the passport fields, then optional data to the end, no composite. */
function visa(format: "MRVA" | "MRVB", lineLength: 36 | 44): MrzLayout {
  const base = passportLike(format === "MRVA" ? "TD3" : "TD2", lineLength);
  const fields = base.fields.filter((field) => field.line === 0 || field.end <= 28);
  fields.push(span("optional", 1, 28, lineLength, "alnum"));
  const checks = base.checks.filter((check) => check.name !== "composite" && check.name !== "personalNumber");
  return { format, lineLength, lineCount: 2, fields, checks };
}

export const LAYOUTS: Record<MrzFormat, MrzLayout> = {
  TD1,
  TD2: passportLike("TD2", 36),
  TD3: passportLike("TD3", 44),
  MRVA: visa("MRVA", 44),
  MRVB: visa("MRVB", 36),
};

/** Visas say so in their first character; the other formats are never V. */
export function isVisaLayout(layout: MrzLayout): boolean {
  return layout.format === "MRVA" || layout.format === "MRVB";
}

const WEIGHTS = [7, 3, 1];

/** ICAO 9303 check digit: digits as themselves, A-Z as 10-35, filler as 0, weights 7-3-1. */
export function checkDigit(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += charValue(text.charCodeAt(i)) * WEIGHTS[i % 3]!;
  return sum % 10;
}

function charValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return 0;
}
