import { checkDigit, type CheckSpan, type MrzLayout } from "./mrz-layout.js";

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
        set(field.line, column, "<");
      }
    }
  }

  const text = () => lines.map((line) => line.join(""));
  const composite = layout.checks.find((check) => check.name === "composite");
  const options: { check: CheckSpan; variants: Variant[] }[] = [];
  for (const check of layout.checks) {
    if (check === composite) continue;
    const field = layout.fields.find((f) => f.line === check.line && f.end === check.at && f.kind === "alnum") ?? null;
    if (!field) continue;
    options.push({ check, variants: variantsHolding(text(), check, field.line, field.start, field.end) });
  }
  // Every combination of the numbers' valid variants, fewest swaps first, until the composite holds.
  const combos = combinations(options.map((option) => option.variants)).sort((a, b) => swapsOf(a) - swapsOf(b));
  const holding = combos.filter((combo) => !composite || holds(apply(text(), combo), composite));
  // Two different repairs with as few swaps that both hold: the digits cannot tell which, so neither.
  const fewest = holding.length > 0 ? swapsOf(holding[0]!) : -1;
  const tied = holding.filter((combo) => swapsOf(combo) === fewest).map((combo) => apply(text(), combo).join("\n"));
  const chosen = holding.length > 0 && new Set(tied).size === 1 ? holding[0]! : uniqueFieldRepairs(options);
  for (const variant of chosen) for (const swap of variant.swaps) set(swap.line, swap.column, swap.to);

  const final = text();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const check of layout.checks) (holds(final, check) ? valid : invalid).push(check.name);
  return { lines: final, corrections, valid, invalid };
}

interface Swap {
  line: number;
  column: number;
  to: string;
}
interface Variant {
  swaps: Swap[];
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
  return holdsAlready ? [unchanged, ...found] : [...found, unchanged];
}

/** Without a composite that holds: each number's own repair, where exactly one has the fewest swaps. */
function uniqueFieldRepairs(options: { variants: Variant[] }[]): Variant[] {
  return options.map((option) => {
    const [first, second] = option.variants;
    const unique = first && (!second || second.swaps.length > first.swaps.length || first.swaps.length === 0);
    return unique ? first : { swaps: [] };
  });
}

function apply(lines: string[], variants: Variant[]): string[] {
  const out = lines.map((line) => line.split(""));
  for (const variant of variants) for (const swap of variant.swaps) out[swap.line]![swap.column] = swap.to;
  return out.map((line) => line.join(""));
}

function combinations(lists: Variant[][]): Variant[][] {
  return lists.reduce<Variant[][]>((acc, list) => acc.flatMap((combo) => list.map((variant) => [...combo, variant])), [[]]);
}

function swapsOf(combo: Variant[]): number {
  return combo.reduce((sum, variant) => sum + variant.swaps.length, 0);
}

/** Whether a check digit holds; a filler stands for 0. TD1's long document numbers are followed into optional1. */
export function holds(lines: string[], check: CheckSpan): boolean {
  let covered = check.covers.map((r) => lines[r.line]!.slice(r.start, r.end)).join("");
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
