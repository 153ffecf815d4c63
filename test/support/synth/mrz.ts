/**
 * The machine-readable zone of ICAO 9303: TD3 (passport, 2 × 44) and TD1 (ID card, 3 × 30), with
 * the 7-3-1 check digits. Document numbers are always 9 characters here, so the TD1 overflow rule
 * for longer numbers is never needed.
 */
import { type IsoDate, mrzDate } from "./dates.js";

const WEIGHTS = [7, 3, 1] as const;

function characterValue(ch: string): number {
  if (ch === "<") return 0;
  if (ch >= "0" && ch <= "9") return ch.charCodeAt(0) - 48;
  if (ch >= "A" && ch <= "Z") return ch.charCodeAt(0) - 55;
  throw new Error(`not an MRZ character: ${JSON.stringify(ch)}`);
}

/** ICAO 9303 part 3 §4.9: the weighted sum (7, 3, 1, …) of the character values, modulo 10. */
export function checkDigit(field: string): string {
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += characterValue(field[i] as string) * (WEIGHTS[i % 3] as number);
  return String(sum % 10);
}

const pad = (text: string, length: number) => {
  if (text.length > length) throw new Error(`${text} is longer than ${length}`);
  return text.padEnd(length, "<");
};

/**
 * `PRIMARY<<SECONDARY<NAMES` in exactly `length` characters. Too long, the secondary identifier
 * (given names) is cut first, then the primary one, keeping `<<` and one letter of the given
 * names; a name cut this way ends with a letter, which is how a reader knows it was truncated.
 */
export function nameField(primary: string, secondary: string, length: number): string {
  let full = secondary ? `${primary}<<${secondary}` : primary;
  if (full.length > length) {
    if (secondary && primary.length + 3 <= length) full = `${primary}<<${secondary}`.slice(0, length).replace(/<+$/, "");
    else full = secondary ? `${primary.slice(0, length - 3)}<<${secondary[0]}` : primary.slice(0, length);
  }
  return pad(full, length);
}

/** The data both MRZ formats carry, already in the MRZ alphabet (names via `mrzText`). */
export interface MrzData {
  issuingState: string;
  primaryName: string;
  secondaryName: string;
  documentNumber: string;
  nationality: string;
  dateOfBirth: IsoDate;
  sex: "M" | "F" | "X";
  dateOfExpiry: IsoDate;
  /** Digits and letters, or "" when the document has none. */
  personalNumber: string;
}

const sexCode = (sex: MrzData["sex"]) => (sex === "X" ? "<" : sex);
const withDigit = (field: string) => field + checkDigit(field);

/** TD3: `P<` line and the data line. An empty personal number gets the filler as its check digit. */
export function td3Lines(data: MrzData): [string, string] {
  const line1 = `P<${pad(data.issuingState, 3)}${nameField(data.primaryName, data.secondaryName, 39)}`;
  const number = withDigit(pad(data.documentNumber, 9));
  const birth = withDigit(mrzDate(data.dateOfBirth));
  const expiry = withDigit(mrzDate(data.dateOfExpiry));
  const personal = data.personalNumber ? withDigit(pad(data.personalNumber, 14)) : "<".repeat(15);
  const composite = checkDigit(number + birth + expiry + personal);
  const line2 = `${number}${pad(data.nationality, 3)}${birth}${sexCode(data.sex)}${expiry}${personal}${composite}`;
  return [line1, line2];
}

/** TD1: the personal number goes in the first optional field, after the document number. */
export function td1Lines(data: MrzData): [string, string, string] {
  const number = withDigit(pad(data.documentNumber, 9));
  const optional1 = pad(data.personalNumber, 15);
  const line1 = `ID${pad(data.issuingState, 3)}${number}${optional1}`;
  const birth = withDigit(mrzDate(data.dateOfBirth));
  const expiry = withDigit(mrzDate(data.dateOfExpiry));
  const optional2 = "<".repeat(11);
  const composite = checkDigit(number + optional1 + birth + expiry + optional2);
  const line2 = `${birth}${sexCode(data.sex)}${expiry}${pad(data.nationality, 3)}${optional2}${composite}`;
  const line3 = nameField(data.primaryName, data.secondaryName, 30);
  return [line1, line2, line3];
}
