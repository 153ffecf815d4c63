/**
 * What every printed side shares: a canvas measured in millimetres, a tinted security background
 * (guilloche rosettes), labelled fields, the holder's signature and the MRZ in OCR-B at ICAO's
 * pitch of 10 characters per inch.
 */
import { type Canvas, type SKRSContext2D, createCanvas } from "@napi-rs/canvas";
import type { Random } from "../random.js";
import { OCR_B, SANS, SANS_BOLD, registerFonts } from "./fonts.js";

/** Pixels per millimetre of every rendered side (about 305 dpi). */
export const PX_PER_MM = 12;
/** ICAO 9303 part 3: OCR-B size 1 at 10 characters per 25.4 mm. */
const MRZ_PITCH_MM = 2.54;
/** OCR-B's advance is 0.723 em: the size whose advance is the ICAO pitch. */
const MRZ_FONT_MM = MRZ_PITCH_MM / 0.723;

/** A rectangle as fractions of the side's width and height. */
export interface Box { x: number; y: number; width: number; height: number }

export interface Side {
  canvas: Canvas;
  ctx: SKRSContext2D;
  widthMm: number;
  heightMm: number;
}

export interface Palette { paper: string; ink: string; pattern: string; accent: string }

export function randomPalette(random: Random): Palette {
  const hue = random.int(0, 359);
  return {
    paper: `hsl(${hue}, 35%, 93%)`,
    pattern: `hsla(${(hue + random.int(20, 60)) % 360}, 45%, 55%, 0.35)`,
    accent: `hsl(${hue}, 45%, 32%)`,
    ink: "#1b1b1f",
  };
}

export function createSide(widthMm: number, heightMm: number): Side {
  registerFonts();
  const canvas = createCanvas(Math.round(widthMm * PX_PER_MM), Math.round(heightMm * PX_PER_MM));
  const ctx = canvas.getContext("2d");
  ctx.lang = "en"; // text shaping must not follow the host's locale
  ctx.scale(PX_PER_MM, PX_PER_MM);
  return { canvas, ctx, widthMm, heightMm };
}

/** Paper tint, a gradient and two guilloche rosettes: what makes a page look printed, not drawn. */
export function drawSecurityBackground(side: Side, random: Random, palette: Palette): void {
  const { ctx, widthMm: w, heightMm: h } = side;
  ctx.fillStyle = palette.paper;
  ctx.fillRect(0, 0, w, h);
  const wash = ctx.createLinearGradient(0, 0, w, h);
  wash.addColorStop(0, "rgba(255,255,255,0.5)");
  wash.addColorStop(1, "rgba(255,255,255,0)");
  ctx.fillStyle = wash;
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = palette.pattern;
  ctx.lineWidth = 0.08;
  for (let r = 0; r < 2; r++) {
    const cx = random.range(w * 0.3, w * 0.8);
    const cy = random.range(h * 0.2, h * 0.7);
    const radius = random.range(h * 0.25, h * 0.45);
    const lobes = random.int(5, 11);
    const depth = random.range(0.15, 0.35);
    for (let k = 0; k < 24; k++) {
      ctx.beginPath();
      const phase = (k / 24) * Math.PI * 2;
      for (let i = 0; i <= 360; i++) {
        const t = (i / 360) * Math.PI * 2;
        const rr = radius * (1 + depth * Math.sin(lobes * t + phase));
        const x = cx + rr * Math.cos(t);
        const y = cy + rr * Math.sin(t) * 0.8;
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
  }
  ctx.lineWidth = 0.05;
  for (let y = 1; y < h; y += 1.2) {
    ctx.beginPath();
    for (let x = 0; x <= w; x += 1) ctx.lineTo(x, y + 0.35 * Math.sin(x / 3 + y));
    ctx.stroke();
  }
}

/** A small bilingual caption over a value, as ICAO's visual zone prints each field. */
export function drawField(side: Side, xMm: number, yMm: number, label: string, value: string, size = 3.2): void {
  const { ctx } = side;
  ctx.fillStyle = "#4a4a55";
  ctx.font = `1.6px ${SANS}`;
  ctx.fillText(label, xMm, yMm);
  ctx.fillStyle = "#141418";
  ctx.font = `${size}px ${SANS_BOLD}`;
  ctx.fillText(value, xMm, yMm + size + 0.4);
}

export function drawText(side: Side, xMm: number, yMm: number, text: string, sizeMm: number, options: { bold?: boolean; color?: string; align?: "left" | "right" | "center" } = {}): void {
  const { ctx } = side;
  ctx.fillStyle = options.color ?? "#141418";
  ctx.font = `${sizeMm}px ${options.bold ? SANS_BOLD : SANS}`;
  ctx.textAlign = options.align ?? "left";
  ctx.fillText(text, xMm, yMm);
  ctx.textAlign = "left";
}

/** A pen stroke that looks like handwriting: a few loops along a line. */
export function drawSignature(side: Side, random: Random, xMm: number, yMm: number, widthMm: number): void {
  const { ctx } = side;
  ctx.strokeStyle = "rgba(20, 30, 90, 0.9)";
  ctx.lineWidth = 0.3;
  ctx.beginPath();
  ctx.moveTo(xMm, yMm);
  const loops = random.int(4, 8);
  for (let i = 1; i <= loops; i++) {
    const x = xMm + (widthMm * i) / loops;
    ctx.bezierCurveTo(x - random.range(2, 6), yMm - random.range(1, 4), x - random.range(0, 3), yMm + random.range(0.5, 2.5), x, yMm - random.range(-1, 1.5));
  }
  ctx.stroke();
}

/**
 * The MRZ lines, one character per 2.54 mm cell from `xMm`, baselines `lineGapMm` apart, the last
 * at `lastBaselineMm`. Returns the zone's box (with a character's margin) as fractions of the side.
 */
export function drawMrz(side: Side, lines: readonly string[], xMm: number, lastBaselineMm: number, lineGapMm: number): Box {
  const { ctx } = side;
  ctx.fillStyle = "#101010";
  ctx.font = `${MRZ_FONT_MM}px ${OCR_B}`;
  lines.forEach((line, row) => {
    const baseline = lastBaselineMm - (lines.length - 1 - row) * lineGapMm;
    for (let i = 0; i < line.length; i++) ctx.fillText(line[i] as string, xMm + i * MRZ_PITCH_MM, baseline);
  });
  const capHeight = MRZ_FONT_MM * 0.71;
  const top = lastBaselineMm - (lines.length - 1) * lineGapMm - capHeight - MRZ_PITCH_MM;
  const width = (lines[0]?.length ?? 0) * MRZ_PITCH_MM + 2 * MRZ_PITCH_MM;
  return {
    x: (xMm - MRZ_PITCH_MM) / side.widthMm,
    y: top / side.heightMm,
    width: width / side.widthMm,
    height: (lastBaselineMm + MRZ_PITCH_MM - top) / side.heightMm,
  };
}
