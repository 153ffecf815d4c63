import type { GrayImage } from "../image/gray.js";
import { blackhat, dilate, erode, otsu } from "./morphology.js";

/** A stretch of text found on the page: a line, or several lines fused into a block. */
export interface TextBar {
  cx: number;
  cy: number;
  /** Radians, the direction the text runs in (image y grows downwards). */
  angle: number;
  length: number;
  thickness: number;
  pixels: number;
  /** Separate marks along the bar's middle: about one per character on a text line, a few on a ruled box. */
  glyphs: number;
}

/** An MRZ line has 30 to 44 characters; fillers merge at small sizes, so fewer marks are expected. */
const MIN_GLYPHS = 14;

/** Where the MRZ may be, in the finder image's pixels: an oriented box around two or three lines. */
export interface MrzCandidate {
  cx: number;
  cy: number;
  angle: number;
  length: number;
  height: number;
  /** Line height as seen, to pick the OCR scale. */
  lineHeight: number;
  lines: number;
  score: number;
}

/** Documents are photographed at most this far from level (issue 12: up to 15°, with margin). */
const MAX_TILT = (25 * Math.PI) / 180;

/**
 * Finds the MRZ without assuming where it is: dark thin strokes (blackhat), smeared along rows so
 * each text line becomes a bar, bars measured by their moments (centre, direction, length), then
 * parallel bars of about the same length stacked at line pitch are grouped. MRZ lines are the
 * longest evenly spaced lines of a page, usually near its bottom, which ranks the candidates.
 */
export function findMrzCandidates(gray: GrayImage): MrzCandidate[] {
  const side = Math.max(gray.width, gray.height);
  const strokes = blackhat(gray, Math.round(side / 120) + 3, Math.round(side / 320) + 2);
  const threshold = Math.max(otsu(strokes.data), 12);
  const mask = new Uint8Array(strokes.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = strokes.data[i]! > threshold ? 255 : 0;
  clearTallRuns(mask, gray.width, gray.height, Math.round(side / 12));
  const gap = Math.round(side / 90) + 2;
  const smeared = erode(dilate({ data: mask, width: gray.width, height: gray.height }, gap, 0), gap, 0);
  const bars = textBars(smeared, side * 0.15).filter((bar) => (bar.glyphs = glyphsAlong(mask, gray.width, gray.height, bar)) >= MIN_GLYPHS);
  return groupLines(bars, gray).sort((a, b) => b.score - a.score);
}

/**
 * Card edges, table rules and photo borders are thin dark strokes too; smeared, they would join the
 * MRZ lines that end near them into one blob. No character is this tall, so such runs are removed.
 */
function clearTallRuns(mask: Uint8Array, width: number, height: number, maxRun: number): void {
  for (let x = 0; x < width; x++) {
    let runStart = -1;
    for (let y = 0; y <= height; y++) {
      const inked = y < height && mask[y * width + x] !== 0;
      if (inked && runStart < 0) runStart = y;
      if (!inked && runStart >= 0) {
        if (y - runStart > maxRun) for (let k = runStart; k < y; k++) mask[k * width + x] = 0;
        runStart = -1;
      }
    }
  }
}

/** Connected runs of smeared text, kept when long, thin and not far from level. */
function textBars(mask: GrayImage, minLength: number): TextBar[] {
  const { data, width, height } = mask;
  const seen = new Uint8Array(data.length);
  const bars: TextBar[] = [];
  const stack: number[] = [];
  for (let start = 0; start < data.length; start++) {
    if (!data[start] || seen[start]) continue;
    let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width, y = (i - x) / width;
      n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
      if (x > 0 && data[i - 1] && !seen[i - 1]) { seen[i - 1] = 1; stack.push(i - 1); }
      if (x < width - 1 && data[i + 1] && !seen[i + 1]) { seen[i + 1] = 1; stack.push(i + 1); }
      if (y > 0 && data[i - width] && !seen[i - width]) { seen[i - width] = 1; stack.push(i - width); }
      if (y < height - 1 && data[i + width] && !seen[i + width]) { seen[i + width] = 1; stack.push(i + width); }
    }
    if (n < minLength * 2) continue;
    const cx = sx / n, cy = sy / n;
    const vxx = sxx / n - cx * cx, vyy = syy / n - cy * cy, vxy = sxy / n - cx * cy;
    const angle = 0.5 * Math.atan2(2 * vxy, vxx - vyy);
    const spread = Math.sqrt(((vxx - vyy) / 2) ** 2 + vxy ** 2);
    const major = Math.sqrt(12 * Math.max((vxx + vyy) / 2 + spread, 0));
    const minor = Math.sqrt(12 * Math.max((vxx + vyy) / 2 - spread, 0));
    if (major < minLength || Math.abs(angle) > MAX_TILT || major < 5 * minor) continue;
    // A text line's height is a fraction of its length set by the character count: an MRZ line of
    // 30-44 characters is 20-40 times longer than high. Ruled lines and fused blocks fall outside.
    if (minor < major / 90) continue;
    bars.push({ cx, cy, angle, length: major, thickness: Math.max(minor, 2), pixels: n, glyphs: 0 });
  }
  return bars;
}

/** Ink runs met walking the bar's middle line (the unsmeared strokes), one step a pixel. */
function glyphsAlong(mask: Uint8Array, width: number, height: number, bar: TextBar): number {
  const cos = Math.cos(bar.angle), sin = Math.sin(bar.angle);
  const half = Math.max(1, Math.round(bar.thickness * 0.25));
  let runs = 0;
  let inside = false;
  for (let t = -bar.length / 2; t <= bar.length / 2; t++) {
    let inked = false;
    for (let d = -half; d <= half && !inked; d++) {
      const x = Math.round(bar.cx + t * cos - d * sin), y = Math.round(bar.cy + t * sin + d * cos);
      if (x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x]) inked = true;
    }
    if (inked && !inside) runs++;
    inside = inked;
  }
  return runs;
}

/** Bars stacked like MRZ lines: parallel, about as long, centred on each other, one line pitch apart. */
function groupLines(bars: TextBar[], gray: GrayImage): MrzCandidate[] {
  const sorted = [...bars].sort((a, b) => a.cy - b.cy);
  const candidates: MrzCandidate[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const group = [sorted[i]!];
    for (let j = i + 1; j < sorted.length && group.length < 3; j++) {
      const last = group[group.length - 1]!;
      if (stacksUnder(last, sorted[j]!)) group.push(sorted[j]!);
    }
    for (let size = 1; size <= group.length; size++) candidates.push(candidateOf(group.slice(0, size), gray));
  }
  return candidates;
}

function stacksUnder(upper: TextBar, lower: TextBar): boolean {
  if (Math.abs(upper.angle - lower.angle) > (4 * Math.PI) / 180) return false;
  const ratio = Math.min(upper.length, lower.length) / Math.max(upper.length, lower.length);
  if (ratio < 0.6) return false;
  const dx = lower.cx - upper.cx, dy = lower.cy - upper.cy;
  const along = dx * Math.cos(upper.angle) + dy * Math.sin(upper.angle);
  const across = -dx * Math.sin(upper.angle) + dy * Math.cos(upper.angle);
  const pitch = Math.max(upper.thickness, lower.thickness);
  return Math.abs(along) < 0.2 * upper.length && across > 0.9 * pitch && across < 3.5 * pitch;
}

function candidateOf(group: TextBar[], gray: GrayImage): MrzCandidate {
  const first = group[0]!, last = group[group.length - 1]!;
  const angle = group.reduce((sum, bar) => sum + bar.angle * bar.length, 0) / group.reduce((sum, bar) => sum + bar.length, 0);
  const lineHeight = group.reduce((sum, bar) => sum + bar.thickness, 0) / group.length;
  const spread = Math.hypot(last.cx - first.cx, last.cy - first.cy);
  // Along the text: from the leftmost start to the rightmost end of the bars (lines of one MRZ
  // have the same length, but a bar can stop short where print or a photo edge interrupts it).
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const mx = (first.cx + last.cx) / 2, my = (first.cy + last.cy) / 2;
  const offsets = group.map((bar) => (bar.cx - mx) * cos + (bar.cy - my) * sin);
  const from = Math.min(...group.map((bar, i) => offsets[i]! - bar.length / 2));
  const to = Math.max(...group.map((bar, i) => offsets[i]! + bar.length / 2));
  const length = to - from;
  const cx = mx + ((from + to) / 2) * cos, cy = my + ((from + to) / 2) * sin;
  // Two or three long parallel lines low on the page are what an MRZ looks like; one bar may be a
  // fused block of lines, so it stays a candidate, ranked lower.
  const lowness = cy / gray.height;
  const lengthShare = length / Math.max(gray.width, gray.height);
  const countBonus = group.length === 3 ? 1.03 : group.length === 2 ? 1 : 0.45;
  // OCR-B advances about 0.75 of a line height per character: a text line shows that many marks,
  // the edges of form boxes and photos far fewer.
  const marks = group.reduce((sum, bar) => sum + bar.glyphs / (bar.length / (0.75 * bar.thickness)), 0) / group.length;
  const textLike = Math.min(1, Math.max(0.3, marks / 0.6));
  return {
    cx, cy, angle, length,
    height: spread + lineHeight,
    lineHeight,
    lines: group.length,
    score: countBonus * textLike * (lengthShare + 0.35 * lowness),
  };
}
