/**
 * A virtual photograph of one rendered side: the card warped onto a desk by a pinhole camera
 * (rotation, tilt, distance), with its shadow, uneven light, a glare spot, sensor noise, blur and
 * JPEG compression. The result also says where the card, its MRZ and its barcode ended up.
 */
import { type Canvas, createCanvas } from "@napi-rs/canvas";
import sharp from "sharp";
import { createRandom } from "../random.js";
import type { Box } from "../render/page.js";
import { drawPen, drawSurface } from "./desk.js";
import { type Point, type Pose, applyHomography, homographyFromPoints, invertHomography, projectCard } from "./homography.js";
import type { PhotoParams } from "./params.js";

/** A side to photograph: its pixels and where its parts are. */
export interface PrintedSide {
  canvas: Canvas;
  mrz?: Box | null;
  barcode?: Box | null;
}

export interface Photo {
  /** JPEG bytes. */
  image: Buffer;
  width: number;
  height: number;
  /** The document's corners on the photo: top-left, top-right, bottom-right, bottom-left. */
  corners: Point[];
  /** The MRZ's and the barcode's corners on the photo, when the side has one. */
  mrz: Point[] | null;
  barcode: Point[] | null;
}

const boxCorners = (box: Box, w: number, h: number): Point[] => [
  [box.x * w, box.y * h], [(box.x + box.width) * w, box.y * h],
  [(box.x + box.width) * w, (box.y + box.height) * h], [box.x * w, (box.y + box.height) * h],
];

/** The side at about the size it will have on the photo: Skia's filtering beats resampling a 3× larger image pixel by pixel. */
function sourceAtScale(canvas: Canvas, targetWidth: number): Canvas {
  if (targetWidth >= canvas.width * 0.85) return canvas;
  const width = Math.max(64, Math.round(targetWidth * 1.15));
  const height = Math.round((canvas.height * width) / canvas.width);
  const smaller = createCanvas(width, height);
  const ctx = smaller.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(canvas, 0, 0, width, height);
  return smaller;
}

/** Bilinear, premultiplied source composited over an opaque background, pixel by pixel inside the card's bounds. */
function warpOnto(target: Uint8ClampedArray, tw: number, th: number, source: Uint8Array, sw: number, sh: number, toSource: number[], corners: Point[]): void {
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(tw - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(th - 1, Math.ceil(Math.max(...ys)));
  const [a, b, c, d, e, f, g, h] = toSource as [number, number, number, number, number, number, number, number];
  const px = (x: number, y: number, k: number) => (x < 0 || y < 0 || x >= sw || y >= sh ? 0 : (source[(y * sw + x) * 4 + k] as number));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const w = g * (x + 0.5) + h * (y + 0.5) + 1;
      const u = (a * (x + 0.5) + b * (y + 0.5) + c) / w - 0.5;
      const v = (d * (x + 0.5) + e * (y + 0.5) + f) / w - 0.5;
      if (u < -1 || v < -1 || u > sw || v > sh) continue;
      const ui = Math.floor(u), vi = Math.floor(v);
      const fu = u - ui, fv = v - vi;
      const w00 = (1 - fu) * (1 - fv), w10 = fu * (1 - fv), w01 = (1 - fu) * fv, w11 = fu * fv;
      const o = (y * tw + x) * 4;
      if (ui >= 0 && vi >= 0 && ui < sw - 1 && vi < sh - 1) {
        // Inside: the four neighbours exist, no bounds to check (nearly every pixel).
        const i00 = (vi * sw + ui) * 4, i01 = i00 + sw * 4;
        const alpha = ((source[i00 + 3] as number) * w00 + (source[i00 + 7] as number) * w10 + (source[i01 + 3] as number) * w01 + (source[i01 + 7] as number) * w11) / 255;
        for (let k = 0; k < 3; k++) {
          const s = (source[i00 + k] as number) * w00 + (source[i00 + 4 + k] as number) * w10 + (source[i01 + k] as number) * w01 + (source[i01 + 4 + k] as number) * w11;
          target[o + k] = s + (target[o + k] as number) * (1 - alpha);
        }
        continue;
      }
      const alpha = (px(ui, vi, 3) * w00 + px(ui + 1, vi, 3) * w10 + px(ui, vi + 1, 3) * w01 + px(ui + 1, vi + 1, 3) * w11) / 255;
      if (alpha <= 0) continue;
      for (let k = 0; k < 3; k++) {
        const s = px(ui, vi, k) * w00 + px(ui + 1, vi, k) * w10 + px(ui, vi + 1, k) * w01 + px(ui + 1, vi + 1, k) * w11;
        target[o + k] = s + (target[o + k] as number) * (1 - alpha);
      }
    }
  }
}

/**
 * Where the card lands. `coverage` is an upper bound: a card that would stick out of the frame
 * (a long card turned 15° and tilted towards the camera can) is shrunk until its corners are 2%
 * inside, since a photo cut at the edge is another scenario (203), not a reading test.
 */
export function placeCard(aspect: number, params: PhotoParams): { pose: Pose; corners: Point[] } {
  const { width, height } = params;
  const margin = 0.02 * Math.min(width, height);
  const inside = (points: Point[]) => points.every(([x, y]) => x >= margin && y >= margin && x <= width - margin && y <= height - margin);
  const pose: Pose = {
    widthPx: params.coverage * width,
    center: [params.centerX * width, params.centerY * height],
    rotationDeg: params.rotationDeg,
    tiltXDeg: params.tiltXDeg,
    tiltYDeg: params.tiltYDeg,
    focalPx: Math.max(width, height) * 1.1,
  };
  let corners = projectCard(aspect, pose);
  while (!inside(corners) && pose.widthPx > width * 0.2) {
    pose.widthPx *= 0.95;
    corners = projectCard(aspect, pose);
  }
  return { pose, corners };
}

export async function photograph(side: PrintedSide, params: PhotoParams): Promise<Photo> {
  const random = createRandom(params.seed);
  const { width, height } = params;
  const aspect = side.canvas.height / side.canvas.width;
  const { pose, corners } = placeCard(aspect, params);
  const source = sourceAtScale(side.canvas, pose.widthPx);
  const sw = source.width, sh = source.height;
  const toPhoto = homographyFromPoints([[0, 0], [sw, 0], [sw, sh], [0, sh]], corners);

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  // The desk is drawn at half size and stretched: it is out of focus anyway, and wood grain at full size costs 4×.
  const desk = createCanvas(Math.ceil(width / 2), Math.ceil(height / 2));
  const deskCtx = desk.getContext("2d");
  deskCtx.scale(0.5, 0.5);
  drawSurface(deskCtx, params.surface, width, height, random.fork("surface"));
  ctx.drawImage(desk, 0, 0, width, height);
  if (params.pen) drawPen(ctx, width, height, random.fork("pen"));
  ctx.save();
  ctx.shadowColor = "rgba(0,0,0,0.5)";
  ctx.shadowBlur = width * 0.012;
  ctx.shadowOffsetX = width * 0.004;
  ctx.shadowOffsetY = width * 0.007;
  ctx.fillStyle = "rgba(0,0,0,0.3)";
  // Card fractions (0..1) to photo pixels.
  const fromCard = homographyFromPoints([[0, 0], [1, 0], [1, 1], [0, 1]], corners);
  ctx.beginPath();
  for (const p of [[0.03, 0.03], [0.97, 0.03], [0.97, 0.97], [0.03, 0.97]] as Point[]) ctx.lineTo(...applyHomography(fromCard, p));
  ctx.closePath();
  ctx.fill();
  ctx.restore();

  // The desk is opaque, so its premultiplied pixels are its plain ones: no getImageData (3× slower).
  const pixels = canvas.data();
  const lit = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  warpOnto(lit, width, height, source.data(), sw, sh, invertHomography(toPhoto), corners);
  if (params.cover) {
    // A sheet of paper laid over part of the card, overhanging it a little, drawn apart and laid on top.
    const c = params.cover;
    const sheet = boxCorners({ x: c.x - 0.02, y: c.y - 0.02, width: c.width + 0.04, height: c.height + 0.06 }, 1, 1).map((p) => applyHomography(fromCard, p));
    const overlay = createCanvas(width, height);
    const octx = overlay.getContext("2d");
    octx.shadowColor = "rgba(0,0,0,0.4)";
    octx.shadowBlur = width * 0.01;
    octx.shadowOffsetY = width * 0.004;
    octx.fillStyle = "hsl(45, 20%, 94%)";
    octx.beginPath();
    for (const p of sheet) octx.lineTo(...p);
    octx.closePath();
    octx.fill();
    const over = overlay.data();
    for (let o = 0; o < lit.length; o += 4) {
      const keep = 1 - (over[o + 3] as number) / 255;
      if (keep === 1) continue;
      for (let k = 0; k < 3; k++) lit[o + k] = (over[o + k] as number) + (lit[o + k] as number) * keep;
    }
  }
  relight(lit, width, height, params, random.fork("light"), params.glare ? applyHomography(fromCard, [params.glare.x, params.glare.y]) : null, params.glare ? params.glare.radius * pose.widthPx : 0);

  let pipeline = sharp(Buffer.from(lit.buffer, lit.byteOffset, lit.byteLength), { raw: { width, height, channels: 4 } }).removeAlpha();
  if (params.blurSigma >= 0.3) pipeline = pipeline.blur(params.blurSigma);
  const image = await pipeline.jpeg({ quality: params.jpegQuality }).toBuffer();
  const tenth = (points: Point[]): Point[] => points.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]);
  return {
    image,
    width,
    height,
    corners: tenth(corners),
    mrz: side.mrz ? tenth(boxCorners(side.mrz, 1, 1).map((p) => applyHomography(fromCard, p))) : null,
    barcode: side.barcode ? tenth(boxCorners(side.barcode, 1, 1).map((p) => applyHomography(fromCard, p))) : null,
  };
}

/** Exposure, light falling off in one direction, the glare spot and the sensor's noise, in one pass. */
function relight(data: Uint8ClampedArray, width: number, height: number, params: PhotoParams, random: ReturnType<typeof createRandom>, glareAt: Point | null, glareRadius: number): void {
  const angle = random.range(0, Math.PI * 2);
  const dx = Math.cos(angle) / width, dy = Math.sin(angle) / height;
  const noise = new Float32Array(8192);
  for (let i = 0; i < noise.length; i++) noise[i] = random.normal(0, params.noiseSigma);
  let state = random.int(1, 2 ** 31 - 1);
  const strength = params.glare?.strength ?? 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ramp = 0.5 + (x - width / 2) * dx + (y - height / 2) * dy; // 0..1 across the photo, roughly
      let gain = params.brightness * (1 - params.unevenLight * ramp);
      let glare = 0;
      if (glareAt) {
        const r2 = ((x - glareAt[0]) ** 2 + (y - glareAt[1]) ** 2) / (glareRadius * glareRadius);
        if (r2 < 9) glare = strength * Math.exp(-2 * r2);
        gain *= 1 + glare * 0.5;
      }
      state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
      const grain = noise[(state >>> 0) & 8191] as number;
      const o = (y * width + x) * 4;
      for (let k = 0; k < 3; k++) {
        const v = (data[o + k] as number) * gain;
        data[o + k] = v + (255 - v) * glare + grain;
      }
    }
  }
}
