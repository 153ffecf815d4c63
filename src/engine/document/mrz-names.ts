import type { OcrText } from "./mrz-ocr.js";
import type { MrzReadout } from "./mrz-text.js";

/**
 * A second opinion on the names. No check digit covers them, so a misread letter (W read as N,
 * M as IVI: the legacy engine's OCR-B confusions) would pass unnoticed. When some letter of the
 * names was read with less confidence than this, another cut of the band reads them again, and
 * each letter is taken from the read that was surer of it.
 */
export const NAMES_CONFIDENT = 85;

export interface ReadNames {
  /** The names field without its trailing fillers. */
  core: string;
  /** Tesseract's confidence in each of its characters. */
  confidences: number[];
}

function namesSpan(readout: MrzReadout): { line: number; start: number; end: number } {
  const field = readout.layout.fields.find((f) => f.name === "names")!;
  return { line: field.line, start: field.start, end: field.end };
}

/** The readout's names as OCR saw them, or null when no OCR line holds them as they stand (fillers were fitted in). */
export function readNames(readout: MrzReadout, ocr: OcrText): ReadNames | null {
  const { line, start, end } = namesSpan(readout);
  const core = readout.lines[line]!.slice(start, end).replace(/<+$/, "");
  if (core.length === 0) return null;
  for (const ocrLine of ocr.lines) {
    const at = ocrLine.chars.toUpperCase().indexOf(core);
    if (at >= 0) return { core, confidences: ocrLine.confidences.slice(at, at + core.length) };
  }
  return null;
}

export const isConfident = (names: ReadNames) => Math.min(...names.confidences) >= NAMES_CONFIDENT;

/**
 * The engine loses strokes of OCR-B's W and M (reading N or H) but does not invent them: where
 * two reads say one of these pairs, the letter with the strokes is the one printed.
 */
const RICHER: Record<string, string> = { N: "WM", H: "WM" };

/**
 * Two reads of the names into one: letter by letter when they line up (the same length, the same
 * fillers), the richer letter of a pair the engine confuses one way, else the surer read's; when
 * they do not line up, the read that was surer on the whole.
 */
export function mergeNames(first: ReadNames, second: ReadNames): string {
  const mean = (names: ReadNames) => names.confidences.reduce((sum, c) => sum + c, 0) / names.confidences.length;
  const fillersAlike = first.core.replace(/[A-Z]/g, "A") === second.core.replace(/[A-Z]/g, "A");
  if (!fillersAlike) return mean(second) > mean(first) ? second.core : first.core;
  return [...first.core]
    .map((char, i) => {
      const other = second.core[i]!;
      if (other === char) return char;
      if (RICHER[char]?.includes(other)) return other;
      if (RICHER[other]?.includes(char)) return char;
      return (second.confidences[i] ?? 0) > (first.confidences[i] ?? 0) ? other : char;
    })
    .join("");
}

/** The readout with other names written into its names field (padded with fillers); unchanged when they do not fit. */
export function withNames(readout: MrzReadout, core: string): MrzReadout {
  const { line, start, end } = namesSpan(readout);
  if (core.length > end - start) return readout;
  const lines = [...readout.lines];
  lines[line] = lines[line]!.slice(0, start) + core.padEnd(end - start, "<") + lines[line]!.slice(end);
  return { ...readout, lines };
}
