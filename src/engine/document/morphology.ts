import type { GrayImage } from "../image/gray.js";

/**
 * Grey-level morphology with rectangular windows, separable (rows then columns). Each line is a
 * running maximum (or minimum) by van Herk and Gil-Werman: the line, padded with the neutral value,
 * is cut into blocks of the window's width, and every window, which spans at most two blocks, is
 * the larger of a suffix of one and a prefix of the next, so a pixel costs three comparisons
 * whatever the window (the plain sliding loop cost one per pixel of the window: 150 ms a document).
 */
function filter1d(src: Uint8Array, width: number, height: number, radius: number, horizontal: boolean, takeMax: boolean): Uint8Array {
  return horizontal ? alongRows(src, width, height, radius, takeMax) : alongColumns(src, width, height, radius, takeMax);
}

const larger = (a: number, b: number) => (a > b ? a : b);
const smaller = (a: number, b: number) => (a < b ? a : b);

function alongRows(src: Uint8Array, width: number, height: number, radius: number, takeMax: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  const window = 2 * radius + 1;
  const padded = width + 2 * radius;
  const pick = takeMax ? larger : smaller;
  const line = new Uint8Array(padded).fill(takeMax ? 0 : 255);
  const prefix = new Uint8Array(padded);
  const suffix = new Uint8Array(padded);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    line.set(src.subarray(base, base + width), radius);
    for (let j = 0; j < padded; j++) prefix[j] = j % window === 0 ? line[j]! : pick(prefix[j - 1]!, line[j]!);
    for (let j = padded - 1; j >= 0; j--) suffix[j] = j === padded - 1 || (j + 1) % window === 0 ? line[j]! : pick(suffix[j + 1]!, line[j]!);
    // Output x's window is [x, x + 2r] of the padded line.
    for (let x = 0; x < width; x++) out[base + x] = pick(suffix[x]!, prefix[x + window - 1]!);
  }
  return out;
}

/** The same down the columns, a whole row at a time (the rows are contiguous in memory, the columns are not). */
function alongColumns(src: Uint8Array, width: number, height: number, radius: number, takeMax: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  const window = 2 * radius + 1;
  const padded = height + 2 * radius;
  const pick = takeMax ? larger : smaller;
  const neutral = takeMax ? 0 : 255;
  const prefix = new Uint8Array(padded * width);
  const suffix = new Uint8Array(padded * width);
  // Padded row j is source row j - radius, or the neutral value outside the image.
  const row = (j: number, x: number) => (j < radius || j >= radius + height ? neutral : src[(j - radius) * width + x]!);
  for (let j = 0; j < padded; j++) {
    const at = j * width;
    if (j % window === 0) for (let x = 0; x < width; x++) prefix[at + x] = row(j, x);
    else for (let x = 0; x < width; x++) prefix[at + x] = pick(prefix[at - width + x]!, row(j, x));
  }
  for (let j = padded - 1; j >= 0; j--) {
    const at = j * width;
    if (j === padded - 1 || (j + 1) % window === 0) for (let x = 0; x < width; x++) suffix[at + x] = row(j, x);
    else for (let x = 0; x < width; x++) suffix[at + x] = pick(suffix[at + width + x]!, row(j, x));
  }
  for (let y = 0; y < height; y++) {
    const s = y * width;
    const p = (y + window - 1) * width;
    for (let x = 0; x < width; x++) out[s + x] = pick(suffix[s + x]!, prefix[p + x]!);
  }
  return out;
}

export function dilate(image: GrayImage, rx: number, ry: number): GrayImage {
  const rows = rx > 0 ? filter1d(image.data, image.width, image.height, rx, true, true) : image.data;
  const data = ry > 0 ? filter1d(rows, image.width, image.height, ry, false, true) : rows;
  return { data, width: image.width, height: image.height };
}

export function erode(image: GrayImage, rx: number, ry: number): GrayImage {
  const rows = rx > 0 ? filter1d(image.data, image.width, image.height, rx, true, false) : image.data;
  const data = ry > 0 ? filter1d(rows, image.width, image.height, ry, false, false) : rows;
  return { data, width: image.width, height: image.height };
}

/** Closing minus the image: dark strokes thinner than the window stand out, dark areas do not. */
export function blackhat(image: GrayImage, rx: number, ry: number): GrayImage {
  const closed = erode(dilate(image, rx, ry), rx, ry);
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = closed.data[i]! - image.data[i]!;
  return { data, width: image.width, height: image.height };
}

/** Otsu's threshold of a histogram of 8-bit values. */
export function otsu(data: Uint8Array): number {
  const histogram = new Float64Array(256);
  for (let i = 0; i < data.length; i++) histogram[data[i]!]!++;
  const total = data.length;
  let sumAll = 0;
  for (let v = 0; v < 256; v++) sumAll += v * histogram[v]!;
  let sumBelow = 0;
  let countBelow = 0;
  let best = 0;
  let bestVariance = -1;
  for (let v = 0; v < 256; v++) {
    countBelow += histogram[v]!;
    if (countBelow === 0) continue;
    const countAbove = total - countBelow;
    if (countAbove === 0) break;
    sumBelow += v * histogram[v]!;
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / countAbove;
    const variance = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = v;
    }
  }
  return best;
}
