/**
 * A forged MRZ: the birth date's check digit replaced by another digit, with the composite check
 * digit recomputed, so that exactly one check digit fails. The new digit is never one OCR confuses
 * with the old (3/8, 5/6, 1/7…), so a reader cannot explain the failure away as a misread.
 */
import { checkDigit } from "./mrz.js";
import type { Random } from "./random.js";

const CONFUSED = new Set(["38", "08", "68", "89", "56", "17", "06", "09", "39", "35", "59", "14", "27", "25"]);
const confusable = (a: string, b: string) => CONFUSED.has(a < b ? a + b : b + a);

export interface Tampering {
  lines: string[];
  line: number;
  column: number;
  original: string;
  printed: string;
}

export function tamperBirthDateCheckDigit(lines: readonly string[], random: Random): Tampering {
  const td3 = lines.length === 2;
  const line = 1; // the data line in TD3, the second line in TD1
  const column = td3 ? 19 : 6;
  const text = lines[line] as string;
  const original = text[column] as string;
  const candidates = "0123456789".split("").filter((d) => d !== original && !confusable(d, original));
  const printed = random.pick(candidates);
  let tampered = text.slice(0, column) + printed + text.slice(column + 1);
  const out = [...lines];
  if (td3) {
    // Composite over number+cd (0-9), birth+cd (13-19), expiry+cd (21-27), personal+cd (28-42).
    const composite = checkDigit(tampered.slice(0, 10) + tampered.slice(13, 20) + tampered.slice(21, 43));
    tampered = tampered.slice(0, 43) + composite;
  } else {
    // TD1 composite: line 1 from 5 to 29, line 2 birth+cd (0-6), expiry+cd (8-14), optional (18-28).
    const first = out[0] as string;
    const composite = checkDigit(first.slice(5, 30) + tampered.slice(0, 7) + tampered.slice(8, 15) + tampered.slice(18, 29));
    tampered = tampered.slice(0, 29) + composite;
  }
  out[line] = tampered;
  return { lines: out, line, column, original, printed };
}
