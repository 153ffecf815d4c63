import type { CheckSpan } from "./mrz-layout.js";
import { doubtfulFields, holds, repairMrz } from "./mrz-repair.js";
import type { MrzReadout } from "./mrz-text.js";

/** Combinations of field versions tried at most (a few versions of four or five fields). */
const MAX_COMBINATIONS = 500;

/**
 * Several cuts of the same MRZ garble different characters: one gets the document number right,
 * another the dates. Each field whose own check digit holds in some pass is a vouched-for version;
 * the combination of versions under which the composite also holds (most votes first) makes one
 * readout. Optional data, which only the composite covers, may come from another pass too (a
 * character one OCR misreads in every cut, another reads right). Lines no check digit covers
 * (names) come from the best single pass.
 */
export function mergeReadouts(readouts: MrzReadout[]): MrzReadout | null {
  if (readouts.length === 0) return null;
  const base = [...readouts].sort((a, b) => b.valid.length - a.valid.length || a.invalid.length - b.invalid.length)[0]!;
  const same = readouts.filter((readout) => readout.layout.format === base.layout.format);
  const layout = base.layout;
  const composite = layout.checks.find((check) => check.name === "composite") ?? null;
  const fields = layout.checks.filter((check) => check !== composite);

  const versions = fields.map((check) => {
    const votes = new Map<string, number>();
    for (const readout of same) {
      if (!holds(readout.lines, check)) continue;
      const key = segmentOf(readout.lines, check);
      votes.set(key, (votes.get(key) ?? 0) + 1);
    }
    const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]).map(([segment, count]) => ({ segment, count }));
    return ranked.length > 0 ? ranked : [{ segment: segmentOf(base.lines, check), count: 0 }];
  });

  const spans = composite ? compositeOnly(composite, fields) : [];
  const optional = spans.map((span) => {
    const own = spanOf(base.lines, span);
    const votes = new Map<string, number>([[own, 0]]);
    for (const readout of same) {
      const read = spanOf(readout.lines, span);
      const lineHolds = fields.some((check) => check.line === span.line && holds(readout.lines, check));
      if (lineHolds && oneLookalike(read, own)) votes.set(read, (votes.get(read) ?? 0) + 1);
    }
    // The best pass's own reading first: another is taken only where the composite asks for it.
    return [...votes.entries()].sort((a, b) => Number(b[0] === own) - Number(a[0] === own) || b[1] - a[1]).map(([text]) => text);
  });

  let best: { lines: string[]; held: number; votes: number } | null = null;
  let tried = 0;
  const walk = (index: number, lines: string[], votes: number) => {
    if (tried >= MAX_COMBINATIONS) return;
    if (index === fields.length + spans.length) {
      tried++;
      const held = layout.checks.filter((check) => holds(lines, check)).length;
      if (!best || held > best.held || (held === best.held && votes > best.votes)) best = { lines, held, votes };
      return;
    }
    if (index >= fields.length) {
      const span = spans[index - fields.length]!;
      for (const text of optional[index - fields.length]!) walk(index + 1, withSpan(lines, span, text), votes);
      return;
    }
    for (const version of versions[index]!) walk(index + 1, withSegment(lines, fields[index]!, version.segment), votes + version.count);
  };
  walk(0, base.lines, 0);
  const merged = (best as { lines: string[] } | null)?.lines ?? base.lines;
  const valid = layout.checks.filter((check) => holds(merged, check)).map((check) => check.name);
  const invalid = layout.checks.filter((check) => !holds(merged, check)).map((check) => check.name);
  return { ...base, lines: merged, valid, invalid, doubtful: doubtfulFields(merged, layout, valid) };
}

/** The characters a field's check covers, then its check digit. */
function segmentOf(lines: string[], check: CheckSpan): string {
  return check.covers.map((r) => lines[r.line]!.slice(r.start, r.end)).join("") + lines[check.line]![check.at]!;
}

function withSegment(lines: string[], check: CheckSpan, segment: string): string[] {
  const out = lines.map((line) => line.split(""));
  let at = 0;
  for (const r of check.covers) for (let column = r.start; column < r.end; column++) out[r.line]![column] = segment[at++]!;
  out[check.line]![check.at] = segment[at]!;
  return out.map((line) => line.join(""));
}

/** What PaddleOCR's recogniser (a Chinese model) reads a filler `<` as, in runs of them. */
const FILLER_LOOKALIKES = new Set(["C", "K", "L", "4", "6"]);

/**
 * PaddleOCR reads blurred digits and letters better than Tesseract, fillers worse; Tesseract's
 * legacy engine seldom sees a filler where there is none. Where most of Tesseract's readouts of
 * the same format have a filler and PaddleOCR a look-alike of one, the filler stands; the readout
 * is then repaired and checked again.
 */
export function withAgreedFillers(readout: MrzReadout, others: MrzReadout[]): MrzReadout {
  const same = others.filter((other) => other.layout.format === readout.layout.format);
  if (same.length === 0) return readout;
  const lines = readout.lines.map((line, index) =>
    [...line]
      .map((char, column) => {
        if (!FILLER_LOOKALIKES.has(char)) return char;
        const fillers = same.filter((other) => other.lines[index]![column] === "<").length;
        return fillers * 2 > same.length ? "<" : char;
      })
      .join(""),
  );
  if (lines.every((line, index) => line === readout.lines[index])) return readout;
  return { ...repairMrz(lines, readout.layout), layout: readout.layout };
}

interface Span {
  line: number;
  start: number;
  end: number;
}

/** The stretches the composite covers that no other check digit does (TD1's and TD2's optional data). */
function compositeOnly(composite: CheckSpan, fields: CheckSpan[]): Span[] {
  const spans: Span[] = [];
  for (const range of composite.covers) {
    let start = -1;
    for (let column = range.start; column <= range.end; column++) {
      const own = column < range.end && !fields.some((check) => (check.line === range.line && check.at === column) || check.covers.some((r) => r.line === range.line && column >= r.start && column < r.end));
      if (own && start < 0) start = column;
      if (!own && start >= 0) {
        spans.push({ line: range.line, start, end: column });
        start = -1;
      }
    }
  }
  return spans;
}

function spanOf(lines: string[], span: Span): string {
  return lines[span.line]!.slice(span.start, span.end);
}

function withSpan(lines: string[], span: Span, text: string): string[] {
  return lines.map((line, i) => (i === span.line ? line.slice(0, span.start) + text + line.slice(span.end) : line));
}

/**
 * Optional data has no check digit of its own, only the composite's, which holds by luck once in
 * ten: another pass's version is tried only when it differs from the best pass's in one character,
 * a digit for a digit or a letter for a letter, and was read on a line whose own check digit held
 * in that pass. The composite then confirms a misread character, not a new number.
 */
function oneLookalike(read: string, own: string): boolean {
  const changed = [...read].map((char, i) => [char, own[i]!] as const).filter(([a, b]) => a !== b);
  if (changed.length !== 1) return false;
  const [a, b] = changed[0]!;
  return (/\d/.test(a) && /\d/.test(b)) || (/[A-Z]/.test(a) && /[A-Z]/.test(b));
}
