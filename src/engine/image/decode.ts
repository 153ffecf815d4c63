import sharp, { type Metadata, type Sharp } from "sharp";
import decodeHeic from "heic-decode";

/** Past this many pixels an upload is not decoded at all (a decompression bomb). */
const MAX_INPUT_PIXELS = 50_000_000;

/** The longest side the engine works at: enough for OCR-B at TD3 size, small enough to stay fast. */
export const WORKING_SIDE = 1600;

/** An upload, decoded, turned upright and shrunk to the working size: 8-bit RGB, row by row. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  /** What the upload was before it was shrunk. */
  original: { format: string; width: number; height: number; heic: boolean };
}

export class UndecodableImage extends Error {
  override name = "UndecodableImage";
}

/**
 * Every decoding of the same upload (the same Buffer object) at the same size, while it lives: the
 * document reader, the face model and the selfie's sharpness each ask for the image, and decoding a
 * phone photo costs more than measuring it. Uploads are never written to once received.
 */
const decoded = new WeakMap<Buffer, Map<number, Promise<DecodedImage>>>();

/**
 * Decodes whatever the media capability accepted, once per upload and size (see `decoded`). sharp's
 * prebuilt libvips has no HEVC decoder, so HEIC goes through libheif's wasm build; everything else,
 * EXIF orientation included, through sharp.
 */
export function decodeUpload(bytes: Buffer, maxSide = WORKING_SIDE): Promise<DecodedImage> {
  let sizes = decoded.get(bytes);
  if (!sizes) decoded.set(bytes, (sizes = new Map()));
  let image = sizes.get(maxSide);
  if (!image) sizes.set(maxSide, (image = decodeOnce(bytes, maxSide)));
  return image;
}

async function decodeOnce(bytes: Buffer, maxSide: number): Promise<DecodedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (error) {
    throw new UndecodableImage(`not an image sharp can read (${firstLine(error)})`);
  }
  const heic = meta.format === "heif" && meta.compression === "hevc";
  try {
    const pipeline = heic ? await heicPipeline(bytes) : sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" }).rotate();
    const { data, info } = await pipeline
      .resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true })
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    const upright = meta.autoOrient ?? { width: meta.width ?? info.width, height: meta.height ?? info.height };
    return {
      data,
      width: info.width,
      height: info.height,
      original: { format: heic ? "heic" : meta.format ?? "unknown", width: upright.width, height: upright.height, heic },
    };
  } catch (error) {
    if (error instanceof UndecodableImage) throw error;
    throw new UndecodableImage(`could not be decoded (${firstLine(error)})`);
  }
}

/** libheif applies the HEIF's own rotation and mirroring boxes itself, so no rotate() here. */
async function heicPipeline(bytes: Buffer): Promise<Sharp> {
  const { width, height, data } = await decodeHeic({ buffer: bytes });
  if (width * height > MAX_INPUT_PIXELS) throw new UndecodableImage(`HEIC of ${width}×${height} is too large`);
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } });
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0]!.slice(0, 120).trim();
}
