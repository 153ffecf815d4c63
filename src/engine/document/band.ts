import type { GrayImage } from "../image/gray.js";
import type { MrzCandidate } from "./mrz-finder.js";

const MAX_WIDTH = 1800;

export interface BandOptions {
  /** Source pixels per finder pixel. */
  scale: number;
  /** Line height wanted in the output, px: Tesseract's legacy engine reads OCR-B best at about 30. */
  lineHeight: number;
  /** Extra lines of margin above and below (a third MRZ line the finder missed comes in too). */
  marginLines: number;
  /** Extra share of the length at each end (the finder's bars stop at the last inked pixel). */
  marginEnds: number;
  /** Degrees added to the finder's angle, for the retries. */
  extraAngle?: number;
}

/**
 * Cuts the candidate's oriented box out of the source, levelled and scaled in one bilinear pass:
 * the box's own direction becomes horizontal, so a tilted photo needs no separate rotation.
 */
export function sampleBand(source: GrayImage, candidate: MrzCandidate, options: BandOptions): GrayImage {
  const pitch = candidate.lines > 1 ? candidate.height / candidate.lines : candidate.lineHeight * 1.6;
  const lengthF = candidate.length * (1 + 2 * options.marginEnds) + candidate.lineHeight;
  const heightF = candidate.height + 2 * options.marginLines * pitch;
  // A band never needs more than MAX_WIDTH px across: 44 characters at 30 px type is about 1000.
  const zoom = Math.min(options.lineHeight / candidate.lineHeight, MAX_WIDTH / lengthF);
  const width = Math.max(8, Math.round(lengthF * zoom));
  const height = Math.max(8, Math.round(heightF * zoom));
  const angle = candidate.angle + ((options.extraAngle ?? 0) * Math.PI) / 180;
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const data = new Uint8Array(width * height);
  const { width: sw, height: sh, data: src } = source;
  for (let v = 0; v < height; v++) {
    const across = (v + 0.5) / zoom - heightF / 2;
    for (let u = 0; u < width; u++) {
      const along = (u + 0.5) / zoom - lengthF / 2;
      const x = (candidate.cx + along * cos - across * sin) * options.scale - 0.5;
      const y = (candidate.cy + along * sin + across * cos) * options.scale - 0.5;
      data[v * width + u] = bilinear(src, sw, sh, x, y);
    }
  }
  return { data, width, height };
}

/** Outside the picture reads as white paper, so that cut-off margins do not look like ink. */
function bilinear(src: Uint8Array, width: number, height: number, x: number, y: number): number {
  if (x < 0 || y < 0 || x > width - 1 || y > height - 1) return 255;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, width - 1), y1 = Math.min(y0 + 1, height - 1);
  const fx = x - x0, fy = y - y0;
  const top = src[y0 * width + x0]! * (1 - fx) + src[y0 * width + x1]! * fx;
  const bottom = src[y1 * width + x0]! * (1 - fx) + src[y1 * width + x1]! * fx;
  return Math.round(top * (1 - fy) + bottom * fy);
}

/** Local-mean threshold: guilloche and tint fade to white, ink stays black. */
export function binarise(band: GrayImage): GrayImage {
  const { width, height, data } = band;
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += data[y * width + x]!;
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1]! + row;
    }
  }
  const r = Math.max(8, Math.round(height / 6));
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(width, x + r + 1);
      const sum = integral[y1 * (width + 1) + x1]! - integral[y0 * (width + 1) + x1]! - integral[y1 * (width + 1) + x0]! + integral[y0 * (width + 1) + x0]!;
      const mean = sum / ((x1 - x0) * (y1 - y0));
      const value = data[y * width + x]!;
      // Darker than the neighbourhood by a share and by a margin: flat texture stays white.
      out[y * width + x] = value < mean * 0.85 && mean - value > 24 ? 0 : 255;
    }
  }
  return { data: out, width, height };
}

/**
 * Keeps only the band's text lines that run across most of it, restacked with white between them:
 * what lies between and around the lines (guilloche, photo edges, other print) is what makes the
 * legacy engine slow and gives it stray characters. Null when no such line is there.
 */
export function isolateLines(band: GrayImage, lineHeight: number): GrayImage | null {
  const strips = lineStrips(band, lineHeight, TESSERACT_MARGIN);
  if (strips.length === 0) return null;
  const { width } = band;
  const gap = Math.round(lineHeight * 0.6);
  const outHeight = strips.reduce((sum, strip) => sum + strip.height + gap, gap);
  const data = new Uint8Array(width * outHeight).fill(255);
  let y = gap;
  for (const strip of strips) {
    data.set(strip.data, y * width);
    y += strip.height + gap;
  }
  return { data, width, height: outHeight };
}

/** Tesseract finds its own text lines, with room around them. */
export const TESSERACT_MARGIN = 0.3;
/**
 * PaddleOCR's recogniser was trained on its detector's tight boxes: with a third of a line of
 * paper above and below, it drops and merges characters of blurred lines (27_pass-gbr, 100_id-si).
 */
export const PADDLE_MARGIN = 0.05;

/** The band's full-width text lines, each cut out with `margin` (a share of the line height) above and below. */
export function lineStrips(band: GrayImage, lineHeight: number, margin: number): GrayImage[] {
  const ink = binarise(band);
  const { width, height } = band;
  const rows = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    let count = 0;
    for (let x = 0; x < width; x++) if (ink.data[y * width + x] === 0) count++;
    rows[y] = count;
  }
  const peak = Math.max(...rows);
  if (peak === 0) return [];
  const lines: { from: number; to: number }[] = [];
  let start = -1;
  for (let y = 0; y <= height; y++) {
    const inked = y < height && rows[y]! > peak * 0.12;
    if (inked && start < 0) start = y;
    if (!inked && start >= 0) {
      const last = lines[lines.length - 1];
      if (last && start - last.to < lineHeight * 0.15) last.to = y;
      else lines.push({ from: start, to: y });
      start = -1;
    }
  }
  const kept = lines.filter((line) => line.to - line.from >= lineHeight * 0.5 && line.to - line.from <= lineHeight * 1.8 && spansAcross(ink, line, 0.6));
  const pad = Math.round(lineHeight * margin);
  return kept.map((line) => {
    const from = Math.max(0, line.from - pad), to = Math.min(height, line.to + pad);
    return { data: band.data.slice(from * width, to * width), width, height: to - from };
  });
}

/** Whether ink in these rows reaches from the first to the last of `share` of the width. */
function spansAcross(ink: GrayImage, line: { from: number; to: number }, share: number): boolean {
  let first = ink.width, last = -1;
  for (let y = line.from; y < line.to; y++) {
    for (let x = 0; x < ink.width; x++) {
      if (ink.data[y * ink.width + x] !== 0) continue;
      if (x < first) first = x;
      if (x > last) last = x;
    }
  }
  return last - first >= ink.width * share;
}

/** Unsharp mask: small type enlarged from a low-resolution photo has soft edges the legacy engine misreads. */
export function sharpen(band: GrayImage, amount = 1.2): GrayImage {
  const { width, height, data } = band;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) {
        out[i] = data[i]!;
        continue;
      }
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += data[i + dy * width + dx]!;
      const value = data[i]! + amount * (data[i]! - sum / 9);
      out[i] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
    }
  }
  return { data: out, width, height };
}
