import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import { FRAME_LIMITS, hintFor, readFrame } from "../../web/flow/src/frame.js";
import { FACE, PASSPORT } from "./harness.js";

/** What the browser samples: the guide's area (a card's proportions), 160 pixels wide. */
const SAMPLE = { width: 160, height: Math.round(160 / 1.586) };

/**
 * A camera's view of the guide: the passport specimen exposed as paper (not blown out) on a dark desk, spanning `share` of the
 * guide's width (1: edge to edge), then shrunk to the sample as the browser's canvas does.
 */
async function guideView(share: number, { adjust = (image) => image, blur }: { adjust?: (image: Sharp) => Sharp; blur?: number } = {}): Promise<{ data: Buffer; width: number; height: number }> {
  const full = { width: SAMPLE.width * 4, height: SAMPLE.height * 4 };
  const document = await adjust(sharp(PASSPORT).modulate({ brightness: 0.86 }).resize({ width: Math.round(full.width * share), height: Math.round(full.height * share), fit: "inside" })).toBuffer();
  const scene = await sharp({ create: { ...full, channels: 3, background: { r: 43, g: 47, b: 54 } } })
    .composite([{ input: document, gravity: "center" }])
    .png()
    .toBuffer();
  // Out of focus, the whole picture is blurred: the document's border as much as its print.
  const { data, info } = await (blur ? sharp(scene).blur(blur) : sharp(scene)).resize(SAMPLE.width, SAMPLE.height).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const hintOf = async (view: Promise<{ data: Buffer; width: number; height: number }>, isDocument = true) => {
  const { data, width, height } = await view;
  const { reading } = readFrame(data, width, height, null);
  // A still hand: the second of two identical frames.
  return { reading, hint: hintFor({ ...reading, motion: 0 }, isDocument) };
};

describe("the capture hints computed in the browser", () => {
  it("keeps a document that fills the guide, and asks to come closer when it does not", async () => {
    for (const share of [1, 0.85, 0.7]) {
      const { reading, hint } = await hintOf(guideView(share));
      expect(hint, `document across ${share} of the guide`).toBe("steady");
      expect(reading.fill).toBeCloseTo(share, 1);
    }
    for (const share of [0.55, 0.4, 0.25]) {
      const { reading, hint } = await hintOf(guideView(share));
      expect(hint, `document across ${share} of the guide`).toBe("small");
      expect(reading.fill).toBeLessThan(FRAME_LIMITS.fill);
    }
  });

  it("says too dark, glare and blurred for the frames that are", async () => {
    expect((await hintOf(guideView(0.9, { adjust: (image) => image.linear(0.2, 0) }))).hint).toBe("dark");
    expect((await hintOf(guideView(0.9, { adjust: (image) => image.linear(1.6, 60) }))).hint).toBe("glare");
    for (const blur of [4, 16]) expect((await hintOf(guideView(0.9, { blur }))).hint, `blurred by ${blur}`).toBe("blur");
  });

  it("waits while the picture moves, and never asks a face to fill a document's guide", async () => {
    const { data, width, height } = await guideView(0.9);
    const first = readFrame(data, width, height, null);
    expect(hintFor(first.reading, true)).toBe("wait");
    expect(hintFor(readFrame(data, width, height, first.grey).reading, true)).toBe("steady");
    const face = await sharp(FACE).resize(SAMPLE.width, SAMPLE.height, { fit: "cover" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(hintFor({ ...readFrame(face.data, face.info.width, face.info.height, null).reading, motion: 0, fill: 0.1 }, false)).toBe("steady");
  });
});
