import sharp from "sharp";
import type { DecodedImage } from "./decode.js";

/** One 8-bit luminance plane, row by row: what every measurement and the MRZ finder work on. */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The image as luminance, resized so that its longest side is `side` (up or down, lanczos). */
export async function grayAt(image: DecodedImage, side: number): Promise<GrayImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .greyscale()
    .resize(side, side, { fit: "inside", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height), width: info.width, height: info.height };
}

/** Variance of the 4-neighbour Laplacian: low when edges are soft (blur), high when they are crisp. */
export function laplacianVariance(gray: GrayImage): number {
  const { data, width, height } = gray;
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const value = data[i - 1]! + data[i + 1]! + data[i - width]! + data[i + width]! - 4 * data[i]!;
      sum += value;
      sumSquares += value * value;
      count++;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return sumSquares / count - mean * mean;
}
