import sharp, { type Metadata } from "sharp";
import { apiError } from "../errors.js";
import { sniffFormat } from "./sniff.js";

/**
 * Past this many pixels an image is refused from its header, before it is decoded (a decompression
 * bomb: a JPEG claiming 7000×7000 in a few hundred bytes was accepted under the old 50 MP cap, issue
 * 14). 25 MP holds a 12 MP phone photo twice over, a 24 MP camera's 6000×4000 and a 600 dpi scan of
 * an ID card; the engine decodes each image whole, so the cap is also its memory per image.
 */
export const MAX_PIXELS = 25_000_000;

/** What GET /media/{id} may answer with: the type found in the bytes at upload. */
export const MEDIA_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic", "image/avif"] as const;

export interface CheckedImage {
  mimetype: (typeof MEDIA_TYPES)[number];
  /** As displayed, EXIF orientation applied. */
  width: number;
  height: number;
}

const FIELD = "image.content";
const notAnImage = (detail: string) => apiError("IMAGE_NOT_FOUND", { field: FIELD, detail });

const MIMETYPES = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" } as const;

/**
 * Proves the bytes are an image we can work with: format from the magic bytes, declared size from
 * the header (refused past MAX_PIXELS before any pixel is decoded), then a full decode. sharp
 * decodes on libuv's threads, never on the event loop; the decode is shrunk to a thumbnail so that
 * memory stays small whatever the size.
 *
 * HEIC (HEVC) cannot be decoded by sharp (engine-lab §6): its container and declared size are
 * checked here, and the engine decodes it off the request path. AVIF, HEIF's AV1 flavour, decodes.
 */
export async function checkImage(bytes: Buffer): Promise<CheckedImage> {
  const format = sniffFormat(bytes);
  if (!format) throw notAnImage("is not a JPEG, PNG, WebP or HEIC image");

  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw notAnImage(`has a ${format.toUpperCase()} signature but no readable ${format.toUpperCase()} header`);
  }
  if (meta.format !== format) throw notAnImage(`has a ${format.toUpperCase()} signature but reads as ${meta.format}`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw notAnImage("declares no image size");
  if (width * height > MAX_PIXELS) {
    throw notAnImage(`declares ${width}×${height} pixels, more than the limit of ${MAX_PIXELS / 1_000_000} megapixels (${MAX_PIXELS} pixels)`);
  }

  let mimetype: CheckedImage["mimetype"];
  if (format === "heif") {
    if (meta.compression === "hevc") {
      return { mimetype: "image/heic", width: meta.autoOrient?.width ?? width, height: meta.autoOrient?.height ?? height };
    }
    if (meta.compression !== "av1") throw notAnImage(`is a HEIF image coded with ${meta.compression ?? "an unknown codec"}`);
    mimetype = "image/avif";
  } else {
    mimetype = MIMETYPES[format];
  }

  try {
    await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: "error", sequentialRead: true })
      .resize(64, 64, { fit: "inside" })
      .raw()
      .toBuffer();
  } catch (error) {
    throw notAnImage(`could not be decoded as ${mimetype} (${firstLine(error)})`);
  }
  return { mimetype, width: meta.autoOrient?.width ?? width, height: meta.autoOrient?.height ?? height };
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0]!.slice(0, 120).trim();
}
