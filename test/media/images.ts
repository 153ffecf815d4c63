import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { sign } from "../support/client.js";
import type { TestIntegration } from "../support/server.js";

/** Real images for the media tests: made with sharp, or public samples kept in test/fixtures/images. */
const here = path.dirname(fileURLToPath(import.meta.url));

export const obamaJpeg = () => readFileSync(path.resolve(here, "../fixtures/images/obama.jpg"));
export const passportJpeg = () => readFileSync(path.resolve(here, "../fixtures/images/icao-passport-td3.jpg"));

/**
 * A 64×48 HEIC (HEVC) made with libheif's heif-enc from a flat PNG; sharp reads its header but
 * cannot decode it.
 */
export const smallHeic = () => readFileSync(path.join(here, "fixtures", "small.heic"));

/** A gradient, so that encoders have something to encode. */
function gradient(width: number, height: number) {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = ((x + y) * 127) / (width + height);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

export const makeJpeg = (width = 320, height = 240) => gradient(width, height).jpeg({ quality: 90 }).toBuffer();
export const makePng = (width = 320, height = 240) => gradient(width, height).png().toBuffer();
export const makeWebp = (width = 320, height = 240) => gradient(width, height).webp().toBuffer();
export const makeAvif = (width = 64, height = 48) => gradient(width, height).avif().toBuffer();

/** A JPEG of about `bytes` bytes: noise does not compress. */
export async function noiseJpeg(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

/** A real, valid PNG whose IHDR is rewritten to declare `width`×`height` (CRC fixed): a bomb in 70 bytes. */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await makePng(1, 1));
  // Signature (8) | length (4) | "IHDR" (4) | width (4) | height (4) | … | CRC over type + data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** The HEIC fixture with every `ispe` (image spatial extent) box rewritten to `width`×`height`. */
export function heicDeclaring(width: number, height: number): Buffer {
  const heic = Buffer.from(smallHeic());
  for (let at = heic.indexOf("ispe"); at >= 0; at = heic.indexOf("ispe", at + 1)) {
    heic.writeUInt32BE(width, at + 8);
    heic.writeUInt32BE(height, at + 12);
  }
  return heic;
}

export const dataUri = (bytes: Buffer, type = "image/jpeg") => `data:${type};base64,${bytes.toString("base64")}`;

export interface UploadOptions {
  context?: string;
  /** Sent as is instead of the base64 of `bytes`. */
  content?: unknown;
  prefix?: "/earthid/api" | "/v1";
}

export function upload(shop: TestIntegration, sessionId: string, bytes: Buffer | null, options: UploadOptions = {}) {
  const content = options.content !== undefined ? options.content : bytes?.toString("base64");
  return shop.api.request("POST", `${options.prefix ?? "/earthid/api"}/sessions/${sessionId}/media`, {
    body: { image: { context: options.context ?? "document-front", content } },
  });
}

export async function newSession(shop: TestIntegration): Promise<string> {
  const res = await shop.api.createSession({});
  if (res.status !== 201) throw new Error(`session creation failed: ${res.status} ${res.text}`);
  return res.body.verification.id as string;
}

/** GET /media/{id} as raw bytes, with the headers. */
export async function download(url: string, shop: TestIntegration, mediaId: string, signOver: string = mediaId) {
  const response = await fetch(`${url}/earthid/api/media/${mediaId}`, { headers: { "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, signOver) } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}
