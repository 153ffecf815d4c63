import type { GrayImage } from "../image/gray.js";

/**
 * Grey-level morphology with rectangular windows, separable (rows then columns). Windows are a few
 * pixels to a few dozen, so the plain sliding loop is fast enough at the finder's 800 px.
 */
function filter1d(src: Uint8Array, width: number, height: number, radius: number, horizontal: boolean, takeMax: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  const outer = horizontal ? height : width;
  const inner = horizontal ? width : height;
  const stride = horizontal ? 1 : width;
  for (let o = 0; o < outer; o++) {
    const base = horizontal ? o * width : o;
    for (let i = 0; i < inner; i++) {
      const from = Math.max(0, i - radius);
      const to = Math.min(inner - 1, i + radius);
      let value = takeMax ? 0 : 255;
      for (let k = from; k <= to; k++) {
        const v = src[base + k * stride]!;
        if (takeMax ? v > value : v < value) value = v;
      }
      out[base + i * stride] = value;
    }
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
