import { alpha2Of, SPECIMEN_STATES } from "./countries.js";
import { isVisaLayout, LAYOUTS, type MrzLayout } from "./mrz-layout.js";
import { repairMrz, type RepairedMrz } from "./mrz-repair.js";

export interface MrzReadout extends RepairedMrz {
  layout: MrzLayout;
}

/** Lines shorter than this cannot be an MRZ line, even with characters dropped. */
const MIN_LINE = 24;

/**
 * From what OCR saw in a band (any number of lines, some of them not MRZ) to the best-holding MRZ:
 * every run of two or three consecutive long lines is tried as each format, its lines brought to
 * length in the ways OCR gets length wrong, then repaired; the readout whose check digits hold best
 * wins.
 */
export function bestReadout(ocrText: string): MrzReadout | null {
  const lines = ocrText
    .split("\n")
    .map((line) => line.toUpperCase().replace(/[^A-Z0-9<]/g, ""))
    .filter((line) => line.length >= MIN_LINE);
  let best: MrzReadout | null = null;
  for (const layout of Object.values(LAYOUTS)) {
    for (let first = 0; first + layout.lineCount <= lines.length; first++) {
      const group = lines.slice(first, first + layout.lineCount);
      // A few characters short, or a few more picked up from the page's edge, is still the line.
      if (group.some((line) => line.length < layout.lineLength - 4 || line.length > layout.lineLength + 8)) continue;
      if (!closestLength(group, layout)) continue;
      for (const fitted of fittings(group, layout.lineLength)) {
        // A visa's first character is V; a passport of Vietnam (P<VNM) is no visa.
        if (isVisaLayout(layout) !== /^V[A-Z<]/.test(fitted[0]!)) continue;
        const readout = { ...repairMrz(fitted, layout), layout };
        if (!best || rank(readout) > rank(best)) best = readout;
      }
    }
  }
  return best;
}

/** A 44-character line cut down to 36 can hold a TD2's check digits by chance: lengths decide first. */
function closestLength(group: string[], layout: MrzLayout): boolean {
  const mean = group.reduce((sum, line) => sum + line.length, 0) / group.length;
  const own = Math.abs(mean - layout.lineLength);
  return Object.values(LAYOUTS).every((other) => other.lineCount !== layout.lineCount || Math.abs(mean - other.lineLength) >= own);
}

/** Holding check digits first; then fewer repairs; a longer format wins ties (TD3 over a TD2 misfit). */
function rank(readout: MrzReadout): number {
  const held = readout.valid.length / (readout.valid.length + readout.invalid.length);
  return held * 1000 + readout.valid.length * 10 + plausibleStart(readout.lines[0]!) * 2 - readout.corrections.length * 0.1 + readout.layout.lineLength * 0.001;
}

/**
 * No check digit covers the first line of a passport, so among its fittings the one that starts
 * like an MRZ wins: a document code letter, then a state code that exists (a stray mark read off a
 * page's frame in front of the P otherwise shifts the whole line).
 */
function plausibleStart(line: string): number {
  const state = line.slice(2, 5).replace(/<+$/, "");
  return (/^[PIACVD][A-Z<]/.test(line) ? 1 : 0) + (alpha2Of(state) || SPECIMEN_STATES.has(state) ? 1 : 0);
}

/** Each line's ways to the right length, combined over the lines (a handful each). */
function fittings(group: string[], length: number): string[][] {
  const perLine = group.map((line) => [...new Set(fitLine(line, length))]);
  return perLine.reduce<string[][]>((acc, options) => acc.flatMap((prefix) => options.map((option) => [...prefix, option])), [[]]);
}

/**
 * OCR drops or doubles fillers inside long runs of `<` or after a one-letter document code, and
 * picks up a stray mark at either end; a line is shortened or lengthened where that happens, one
 * way per kind of mistake.
 */
function fitLine(line: string, length: number): string[] {
  if (line.length === length) return [line];
  const out: string[] = [];
  const run = longestFillerRun(line);
  if (line.length > length) {
    const extra = line.length - length;
    out.push(line.slice(0, length), line.slice(extra));
    if (extra <= 2) out.push(line.slice(1, 1 + length));
    if (run && run.length > extra) out.push(line.slice(0, run.start) + line.slice(run.start + extra));
  } else {
    const missing = length - line.length;
    out.push(line + "<".repeat(missing));
    if (run) out.push(line.slice(0, run.start) + "<".repeat(missing) + line.slice(run.start));
    // A one-letter document code's filler (P<, I<) is dropped often: the line then starts shifted.
    if (line[1] !== "<") out.push(line[0] + "<" + line.slice(1));
  }
  return out.map((fitted) => fitted.slice(0, length).padEnd(length, "<"));
}

function longestFillerRun(line: string): { start: number; length: number } | null {
  let best: { start: number; length: number } | null = null;
  for (const match of line.matchAll(/<{2,}/g)) {
    if (!best || match[0].length > best.length) best = { start: match.index, length: match[0].length };
  }
  return best;
}
