import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { assessUpload, decodeUpload, QUALITY_THRESHOLDS, UndecodableImage } from "../../../src/engine/image/index.js";
import type { Check } from "../../../src/engine/types.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.resolve(here, "../../fixtures/images", name));
const heic = () => readFileSync(path.resolve(here, "../../media/fixtures/small.heic"));
const passport = fixture("icao-passport-td3.jpg");
const byName = (checks: Check[], name: string) => checks.find((check) => check.name === name)!;

describe("decodeUpload", () => {
  it("turns a photo upright by its EXIF orientation", async () => {
    const sideways = await sharp(passport).resize(600).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const image = await decodeUpload(sideways);
    const meta = await sharp(passport).resize(600).toBuffer().then((b) => sharp(b).metadata());
    expect([image.width, image.height]).toEqual([meta.height, meta.width]);
  });

  it("decodes HEIC, which sharp alone cannot, through libheif's wasm build", async () => {
    await expect(sharp(heic()).raw().toBuffer()).rejects.toThrow();
    const image = await decodeUpload(heic());
    expect(image.original).toMatchObject({ format: "heic", heic: true, width: 64, height: 48 });
    expect(image.data.length).toBe(64 * 48 * 3);
  });

  it("shrinks a large upload to the working size", async () => {
    const large = await sharp(passport).resize(3000).jpeg().toBuffer();
    const image = await decodeUpload(large);
    expect(Math.max(image.width, image.height)).toBe(1600);
    expect(image.original.width).toBe(3000);
  });

  it("refuses bytes that are no image", async () => {
    await expect(decodeUpload(Buffer.from("not an image at all"))).rejects.toBeInstanceOf(UndecodableImage);
  });
});

describe("assessUpload", () => {
  it("passes a sharp, evenly lit specimen on every count", async () => {
    const { image, checks } = await assessUpload(passport, "document.front");
    expect(image).not.toBeNull();
    expect(checks.map((check) => [check.name, check.outcome])).toEqual([
      ["document.front.decodable", "pass"],
      ["document.front.size", "pass"],
      ["document.front.blur", "pass"],
      ["document.front.glare", "pass"],
      ["document.front.darkness", "pass"],
    ]);
  });

  it("fails an undecodable upload on decodable and measures nothing else", async () => {
    const { image, checks } = await assessUpload(Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]), "selfie");
    expect(image).toBeNull();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: "selfie.decodable", outcome: "fail" });
  });

  it("fails a blurred copy on blur, with its score under the threshold", async () => {
    const blurred = await sharp(passport).resize(700).blur(3).jpeg().toBuffer();
    const blur = byName((await assessUpload(blurred, "document.front")).checks, "document.front.blur");
    expect(blur.outcome).toBe("fail");
    expect(blur.score).toBeLessThan(QUALITY_THRESHOLDS.blur);
  });

  it("flags a reflection over a coloured card, not the white paper of a scan", async () => {
    // The specimen printed on a pale blue card: its white paper becomes the card's colour.
    const page = await sharp(passport).resize(800, 528, { fit: "fill" }).toBuffer();
    const card = await sharp({ create: { width: 800, height: 528, channels: 3, background: { r: 175, g: 205, b: 235 } } })
      .composite([{ input: page, blend: "multiply" }])
      .jpeg()
      .toBuffer();
    const plain = byName((await assessUpload(card, "document.front")).checks, "document.front.glare");
    const spot = Buffer.from(
      `<svg width="800" height="528"><defs><radialGradient id="g"><stop offset="0.55" stop-color="#fff"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs><ellipse cx="450" cy="260" rx="170" ry="120" fill="url(#g)"/></svg>`,
    );
    const glared = await sharp(card).composite([{ input: spot }]).jpeg().toBuffer();
    const glare = byName((await assessUpload(glared, "document.front")).checks, "document.front.glare");
    expect(plain.outcome).toBe("pass");
    expect(glare.outcome).not.toBe("pass");
    expect(glare.score).toBeGreaterThan(QUALITY_THRESHOLDS.glare);
  });

  it("fails a photo taken in the dark on darkness", async () => {
    const dark = await sharp(passport).linear(0.15, 0).jpeg().toBuffer();
    expect(byName((await assessUpload(dark, "document.front")).checks, "document.front.darkness").outcome).toBe("fail");
  });

  it("fails a thumbnail on size", async () => {
    const tiny = await sharp(passport).resize(120).jpeg().toBuffer();
    expect(byName((await assessUpload(tiny, "document.front")).checks, "document.front.size")).toMatchObject({ outcome: "fail", threshold: 150 });
  });
});
