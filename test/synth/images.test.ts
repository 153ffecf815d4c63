/**
 * The generator's images: the same seed gives the same bytes, every photo decodes at the size its
 * parameters name, and a licence's printed PDF417 reads back, through the engine's own reader, as
 * the AAMVA text it was made from. The generator touches no store: vitest's
 * engine project runs this file once.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parse as parseAamva } from "aamva-parser";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";
import { aamvaPayload, buildCase, buildHeldSetItem, createRandom, placeCard, printDocument, randomDocument, randomPhotoParams } from "../support/synth/index.js";
import { parse as parseMrz } from "mrz";

const ASOF = "2026-12-04";
const require = createRequire(import.meta.url);

describe("synthetic document images", () => {
  it("are the same bytes for the same seed, and differ for another", async () => {
    const one = await buildCase(createRandom("same"), { asOf: ASOF, type: "PASSPORT", profile: "typical" });
    const two = await buildCase(createRandom("same"), { asOf: ASOF, type: "PASSPORT", profile: "typical" });
    const other = await buildCase(createRandom("other"), { asOf: ASOF, type: "PASSPORT", profile: "typical" });
    expect(one.documentFront.equals(two.documentFront)).toBe(true);
    expect(one.selfie.equals(two.selfie)).toBe(true);
    expect(one.truth).toEqual(two.truth);
    expect(one.documentFront.equals(other.documentFront)).toBe(false);
    expect(other.truth.mrz).not.toEqual(one.truth.mrz);
  });

  it("give held-set items that are the same bytes for the same seed and index, with a valid MRZ on the photographed side", async () => {
    const [one, two, next] = [await buildHeldSetItem("held", ASOF, 3), await buildHeldSetItem("held", ASOF, 3), await buildHeldSetItem("held", ASOF, 4)];
    expect(one.image.equals(two.image)).toBe(true);
    expect(one.image.equals(next.image)).toBe(false);
    for (const item of [one, next]) {
      expect(parseMrz(item.mrz).valid).toBe(true);
      expect(item.side).toBe(item.document.type === "PASSPORT" ? "front" : "back");
      expect(item.photo.mrz).toHaveLength(4);
    }
  });

  it("decode as JPEGs at the photo's size, with the card inside the frame", async () => {
    const built = await buildCase(createRandom("sizes"), { asOf: ASOF, type: "ID_CARD", profile: "harsh" });
    for (const [image, truth] of [[built.documentFront, built.truth.front], [built.documentBack, built.truth.back]] as const) {
      if (!image || !truth) throw new Error("an ID card has two sides");
      const meta = await sharp(image).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", truth.params.width, truth.params.height]);
      for (const [x, y] of truth.corners) {
        expect(x).toBeGreaterThan(-1);
        expect(x).toBeLessThan(truth.width + 1);
        expect(y).toBeGreaterThan(-1);
        expect(y).toBeLessThan(truth.height + 1);
      }
    }
    expect(built.truth.back?.mrz).toHaveLength(4);
    const selfie = await sharp(built.selfie).metadata();
    expect([selfie.format, selfie.width, selfie.height]).toEqual(["jpeg", 720, 960]);
  });

  it("keep the whole card inside the frame, whatever the random pose", () => {
    const random = createRandom("poses");
    const outside: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const params = randomPhotoParams(random, random.pick(["clean", "typical", "harsh"] as const));
      const aspect = random.pick([88 / 125, 54 / 85.6]);
      const { corners } = placeCard(aspect, params);
      if (!corners.every(([x, y]) => x > 0 && y > 0 && x < params.width && y < params.height)) outside.push({ params, corners });
    }
    expect(outside).toEqual([]);
  });

  it("print a licence back whose PDF417 reads as its AAMVA text, with the holder's fields", async () => {
    const document = randomDocument(createRandom("licence"), { asOf: ASOF, type: "DRIVERS_LICENSE" });
    const printed = await printDocument(document, createRandom("licence-print"), { mrz: null, photo: 0 });
    const back = printed.back;
    if (!back) throw new Error("a licence has a back");
    const wasm = readFileSync(require.resolve("zxing-wasm/reader/zxing_reader.wasm"));
    await prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }, fireImmediately: true });
    // The canvas's pixels are premultiplied, which changes nothing on an opaque card.
    const pixels = { data: new Uint8ClampedArray(back.canvas.data()), width: back.canvas.width, height: back.canvas.height, colorSpace: "srgb" as const };
    const [read] = await readBarcodes(pixels, { formats: ["PDF417"], tryHarder: true, maxNumberOfSymbols: 1, textMode: "Plain" });
    expect(read?.text).toBe(aamvaPayload(document));
    const licence = parseAamva(read?.text ?? "");
    expect([licence.lastName, licence.driversLicenseId, licence.state]).toEqual([document.holder.surname.toUpperCase(), document.number, document.usState?.code]);
    expect(licence.dateOfBirth?.toISOString().slice(0, 10)).toBe(document.holder.dateOfBirth);
  });
});
