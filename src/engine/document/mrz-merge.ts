import type { CheckSpan } from "./mrz-layout.js";
import { doubtfulFields, holds } from "./mrz-repair.js";
import type { MrzReadout } from "./mrz-text.js";

/** Combinations of field versions tried at most (a few versions of four or five fields). */
const MAX_COMBINATIONS = 500;

/**
 * Several cuts of the same MRZ garble different characters: one gets the document number right,
 * another the dates. Each field whose own check digit holds in some pass is a vouched-for version;
 * the combination of versions under which the composite also holds (most votes first) makes one
 * readout. Lines no check digit covers (names) come from the best single pass.
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

  let best: { lines: string[]; held: number; votes: number } | null = null;
  let tried = 0;
  const walk = (index: number, lines: string[], votes: number) => {
    if (tried >= MAX_COMBINATIONS) return;
    if (index === fields.length) {
      tried++;
      const held = layout.checks.filter((check) => holds(lines, check)).length;
      if (!best || held > best.held || (held === best.held && votes > best.votes)) best = { lines, held, votes };
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
