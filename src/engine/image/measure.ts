import sharp from "sharp";
import type { DecodedImage } from "./decode.js";
import type { GrayImage } from "./gray.js";

/** Brighter than this in every channel is clipped: the sensor saw white, whatever was there. */
const CLIPPED = 245;
/**
 * A clipped patch whose surroundings are this bright on average fades out into the picture: a
 * reflection. A white page or margin is edged by ink and print, which makes its rim much darker.
 */
const SOFT_RIM = 185;

/**
 * Share of the picture lost to reflections (0..1). A clipped patch counts when it does not touch
 * the border (a white background or scanner bed does) and its rim is bright (see SOFT_RIM).
 */
export async function glareShare(image: DecodedImage, side = 320): Promise<{ share: number; patches: number }> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(side, side, { fit: "inside" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const clipped = new Uint8Array(width * height);
  const luminance = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < clipped.length; i++, p += 3) {
    const r = data[p]!, g = data[p + 1]!, b = data[p + 2]!;
    clipped[i] = Math.min(r, g, b) >= CLIPPED ? 1 : 0;
    luminance[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  const label = new Int32Array(width * height).fill(-1);
  let glareArea = 0;
  let patches = 0;
  const stack: number[] = [];
  for (let start = 0; start < clipped.length; start++) {
    if (!clipped[start] || label[start] !== -1) continue;
    const members: number[] = [];
    let touchesBorder = false;
    label[start] = start;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      members.push(i);
      const x = i % width, y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesBorder = true;
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (j >= 0 && clipped[j] && label[j] === -1) {
          label[j] = start;
          stack.push(j);
        }
      }
    }
    if (touchesBorder || members.length < 4) continue;
    if (rimIsSoft(members, label, start, luminance, width, height)) {
      glareArea += members.length;
      patches++;
    }
  }
  return { share: glareArea / (width * height), patches };
}

/** Rim pixels darker than this are ink or print: a reflection fades out over them, it is not edged by them. */
const INK = 140;
/** Share of the rim (one to three steps outside a patch) that may be ink before the patch counts as paper. */
const INKED_RIM = 0.04;

/** Whether the patch fades out into the picture (a reflection) rather than being edged by ink (paper). */
function rimIsSoft(members: number[], label: Int32Array, id: number, luminance: Uint8Array, width: number, height: number): boolean {
  let sum = 0;
  let inked = 0;
  let count = 0;
  const seen = new Set<number>();
  for (const i of members) {
    const x = i % width, y = (i - x) / width;
    for (const d of [1, 2, 3]) {
      for (const [dx, dy] of [[-d, 0], [d, 0], [0, -d], [0, d]] as const) {
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (label[j] === id || seen.has(j)) continue;
        seen.add(j);
        sum += luminance[j]!;
        if (luminance[j]! < INK) inked++;
        count++;
      }
    }
  }
  if (count === 0) return true;
  return sum / count >= SOFT_RIM && inked / count <= INKED_RIM;
}

/** Mean luminance, 0 (black) .. 255 (white). */
export function meanLuminance(gray: GrayImage): number {
  let sum = 0;
  for (let i = 0; i < gray.data.length; i++) sum += gray.data[i]!;
  return gray.data.length === 0 ? 0 : sum / gray.data.length;
}
