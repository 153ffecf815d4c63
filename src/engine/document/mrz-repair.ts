import { nearestStateCode } from "./countries.js";
import { checkDigit, type CheckSpan, type FieldSpan, type MrzLayout } from "./mrz-layout.js";
import { documentKind, fitsShape, intoShape, numberShapes } from "./number-patterns.js";

/** Read where only a digit can stand: the letters OCR-B's digits are mistaken for. */
const AS_DIGIT: Record<string, string> = { O: "0", Q: "0", D: "0", U: "0", C: "0", I: "1", L: "1", J: "1", Z: "2", S: "5", G: "6", B: "8", T: "7", A: "4" };
/** Read where only a letter can stand. */
const AS_LETTER: Record<string, string> = { "0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B" };
/** Where either may stand (document and personal numbers): the pairs tried against the check digit. */
const LOOKALIKES: Record<string, string[]> = {
  "0": ["O", "D", "Q"], O: ["0"], D: ["0"], Q: ["0"], "1": ["I"], I: ["1"], "8": ["B"], B: ["8"],
  "5": ["S"], S: ["5"], "2": ["Z"], Z: ["2"], "6": ["G"], G: ["6"],
};
/**
 * Swaps tried in one number. Each extra swap multiplies the variants, and about one in ten of any
 * set of variants satisfies a check digit by chance: past two, the repair would invent numbers.
 */
const MAX_SWAPS = 2;

export interface Correction {
  line: number;
  column: number;
  original: string;
  corrected: string;
}

export interface RepairedMrz {
  lines: string[];
  corrections: Correction[];
  /** Names of the check digits that hold, and of those that do not. */
  valid: string[];
  invalid: string[];
  /**
   * Fields whose check digit holds but whose value cannot be right (a document number in no shape
   * its state issues): a misread the check digit let through by chance. Their values are withheld.
   */
  doubtful: string[];
}

/**
 * Repairs OCR confusions the layout can tell apart: a letter in a date becomes the digit it looks
 * like, a digit in a name the letter; in the alphanumeric numbers, look-alike swaps are tried and
 * kept only when they make the number's check digit (and then the composite) hold, fewest swaps
 * first. Nothing is changed that no rule justifies.
 */
export function repairMrz(input: string[], layout: MrzLayout): RepairedMrz {
  const lines = input.map((line) => line.split(""));
  const corrections: Correction[] = [];
  const set = (line: number, column: number, to: string) => {
    const from = lines[line]![column]!;
    if (from === to) return;
    corrections.push({ line, column, original: from, corrected: to });
    lines[line]![column] = to;
  };

  for (const field of layout.fields) {
    for (let column = field.start; column < field.end; column++) {
      const char = lines[field.line]![column]!;
      if (field.kind === "digits" || field.kind === "check") {
        const digit = AS_DIGIT[char];
        if (digit) set(field.line, column, digit);
      } else if (field.kind === "alpha") {
        const letter = AS_LETTER[char];
        if (letter) set(field.line, column, letter);
      } else if (field.kind === "sex" && !"MFX<".includes(char)) {
        set(field.line, column, SEX_LOOKALIKE[char] ?? "<");
      }
    }
    if (field.name === "names") {
      // Names end in fillers and never hold three in a row: letters past "<<<" are stray marks.
      const end = lines[field.line]!.slice(field.start, field.end).join("").indexOf("<<<");
      if (end >= 0) for (let column = field.start + end; column < field.end; column++) set(field.line, column, "<");
    }
    if (field.name === "issuingState" || field.name === "nationality") {
      const read = lines[field.line]!.slice(field.start, field.end).join("");
      const state = nearestStateCode(read);
      if (state && state !== read) [...state].forEach((char, i) => set(field.line, field.start + i, char));
    }
  }

  const text = () => lines.map((line) => line.join(""));
  const composite = layout.checks.find((check) => check.name === "composite");
  const options: { check: CheckSpan; variants: Variant[] }[] = [];
  for (const check of layout.checks) {
    if (check === composite) continue;
    const field = layout.fields.find((f) => f.line === check.line && f.end === check.at && f.kind === "alnum") ?? null;
    if (!field) continue;
    const shapes = field.name === "documentNumber" ? shapesOf(text(), layout) : [];
    options.push({ check, variants: shapes.length > 0 ? shapedVariants(text(), check, field, shapes) : variantsHolding(text(), check, field.line, field.start, field.end) });
  }
  // Every combination of the numbers' valid variants, fewest swaps first, until the composite holds.
  const combos = combinations(options.map((option) => option.variants)).sort((a, b) => swapsOf(a) - swapsOf(b));
  const holding = combos.filter((combo) => !composite || holds(apply(text(), combo), composite));
  // Two different repairs with as few swaps that both hold: the digits cannot tell which, so neither.
  const fewest = holding.length > 0 ? swapsOf(holding[0]!) : -1;
  const tied = holding.filter((combo) => swapsOf(combo) === fewest).map((combo) => apply(text(), combo).join("\n"));
  const chosen = holding.length > 0 && new Set(tied).size === 1 ? holding[0]! : uniqueFieldRepairs(options);
  for (const variant of chosen) for (const swap of [...(variant.forced ?? []), ...variant.swaps]) set(swap.line, swap.column, swap.to);

  const final = text();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const check of layout.checks) (holds(final, check) ? valid : invalid).push(check.name);
  return { lines: final, corrections, valid, invalid, doubtful: doubtfulFields(final, layout, valid) };
}

/** A document number whose check digit holds but that is in no shape its state issues. */
export function doubtfulFields(lines: string[], layout: MrzLayout, valid: string[]): string[] {
  const number = layout.fields.find((f) => f.name === "documentNumber")!;
  const shapes = shapesOf(lines, layout);
  const misfit = shapes.length > 0 && !shapes.some((shape) => fitsShape(numberOf(lines, number), shape));
  return valid.includes("documentNumber") && misfit ? ["documentNumber"] : [];
}

const DATE_CHECKS = new Set(["birthDate", "expirationDate"]);

/** What the sex field may have been read as instead of M or F. */
const SEX_LOOKALIKE: Record<string, string> = { H: "M", N: "M", W: "M", E: "F", P: "F" };

/** The shapes the issuing state gives its numbers for this kind of document (none for visas and unknown states). */
function shapesOf(lines: string[], layout: MrzLayout): readonly string[] {
  const code = layout.fields.find((f) => f.name === "documentCode")!;
  const state = layout.fields.find((f) => f.name === "issuingState")!;
  const kind = layout.format === "MRVA" || layout.format === "MRVB" ? null : documentKind(lines[code.line]!.slice(code.start, code.end));
  return kind ? numberShapes(lines[state.line]!.slice(state.start, state.end), kind) : [];
}

/** The number as printed, without the fillers that pad it to nine characters. */
function numberOf(lines: string[], field: FieldSpan): string {
  return lines[field.line]!.slice(field.start, field.end).replace(/<+$/, "");
}

/**
 * A number of a state whose shapes are known: the read brought into each shape (those swaps are
 * forced by the shape, as a letter in a date is), then look-alike swaps within the shape; only
 * variants in a shape are kept. The read itself comes last, whether or not its digit holds.
 */
function shapedVariants(lines: string[], check: CheckSpan, field: FieldSpan, shapes: readonly string[]): Variant[] {
  const read = numberOf(lines, field);
  const out: Variant[] = [];
  const seen = new Set<string>();
  for (const shaped of new Set(shapes.map((shape) => intoShape(read, shape)).filter((n): n is string => n !== null))) {
    const forced: Swap[] = [];
    for (let i = 0; i < shaped.length; i++) if (shaped[i] !== read[i]) forced.push({ line: field.line, column: field.start + i, to: shaped[i]! });
    const base = apply(lines, [{ swaps: forced }]);
    for (const variant of variantsHolding(base, check, field.line, field.start, field.start + shaped.length)) {
      if (variant.fallback) continue;
      const result = numberOf(apply(base, [variant]), field);
      if (!holds(apply(base, [variant]), check) || seen.has(result) || !shapes.some((shape) => fitsShape(result, shape))) continue;
      seen.add(result);
      out.push({ swaps: variant.swaps, forced });
    }
  }
  out.sort((a, b) => a.swaps.length - b.swaps.length);
  return [...out, { swaps: [], fallback: true }];
}

interface Swap {
  line: number;
  column: number;
  to: string;
}
interface Variant {
  swaps: Swap[];
  /** Swaps a rule requires (the number's shape): applied, but not counted as guesses. */
  forced?: Swap[];
  /** The read left as it is although its check digit does not hold: what remains when no variant holds. */
  fallback?: boolean;
}

/** The field unchanged when it holds, else its look-alike variants that make its check digit hold. */
function variantsHolding(lines: string[], check: CheckSpan, line: number, start: number, end: number): Variant[] {
  const unchanged: Variant = { swaps: [] };
  const holdsAlready = holds(lines, check);
  const positions: number[] = [];
  for (let column = start; column < end; column++) if (LOOKALIKES[lines[line]![column]!]) positions.push(column);
  const found: Variant[] = [];
  const tryFrom = (index: number, swaps: Swap[]) => {
    if (swaps.length > 0 && holds(apply(lines, [{ swaps }]), check)) found.push({ swaps: [...swaps] });
    if (swaps.length === MAX_SWAPS) return;
    for (let i = index; i < positions.length; i++) {
      const column = positions[i]!;
      for (const to of LOOKALIKES[lines[line]![column]!]!) {
        swaps.push({ line, column, to });
        tryFrom(i + 1, swaps);
        swaps.pop();
      }
    }
  };
  tryFrom(0, []);
  found.sort((a, b) => a.swaps.length - b.swaps.length);
  // Every holding variant is returned, not only the fewest swaps: two misreads can cancel out in
  // the field's own check digit and still break the composite, which then picks among them.
  return holdsAlready ? [unchanged, ...found] : [...found, { swaps: [], fallback: true }];
}

/** Without a composite that holds: each number's own repair, where exactly one has the fewest swaps. */
function uniqueFieldRepairs(options: { variants: Variant[] }[]): Variant[] {
  return options.map((option) => {
    const [first, second] = option.variants;
    const unique = first && !first.fallback && (!second || second.fallback || second.swaps.length > first.swaps.length);
    return unique ? first : { swaps: [] };
  });
}

function apply(lines: string[], variants: Variant[]): string[] {
  const out = lines.map((line) => line.split(""));
  for (const variant of variants) for (const swap of [...(variant.forced ?? []), ...variant.swaps]) out[swap.line]![swap.column] = swap.to;
  return out.map((line) => line.join(""));
}

function combinations(lists: Variant[][]): Variant[][] {
  return lists.reduce<Variant[][]>((acc, list) => acc.flatMap((combo) => list.map((variant) => [...combo, variant])), [[]]);
}

function swapsOf(combo: Variant[]): number {
  return combo.reduce((sum, variant) => sum + variant.swaps.length, 0);
}

/**
 * Whether a check digit holds; a filler stands for 0. TD1's long document numbers are followed into
 * optional1. A date read with a filler or a letter in it is no date, whatever the arithmetic says.
 */
export function holds(lines: string[], check: CheckSpan): boolean {
  let covered = check.covers.map((r) => lines[r.line]!.slice(r.start, r.end)).join("");
  if (DATE_CHECKS.has(check.name) && !/^\d+$/.test(covered)) return false;
  let digit = lines[check.line]![check.at]!;
  if (check.name === "documentNumber" && lines.length === 3 && digit === "<") {
    const overflow = /^([A-Z0-9]*)[0-9]/.exec(lines[0]!.slice(15));
    const run = /^[A-Z0-9<]*?(?=<|$)/.exec(lines[0]!.slice(15))?.[0] ?? "";
    if (overflow && run.length > 0) {
      covered = covered + run.slice(0, -1);
      digit = run.slice(-1);
    }
  }
  if (digit === "<") return checkDigit(covered) === 0;
  return /[0-9]/.test(digit) && checkDigit(covered) === Number(digit);
}
