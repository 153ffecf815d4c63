import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { lineStrips, PADDLE_MARGIN, sampleBand, TESSERACT_MARGIN } from "../../../src/engine/document/band.js";
import { findMrzCandidates } from "../../../src/engine/document/mrz-finder.js";
import { bestReadout } from "../../../src/engine/document/mrz-text.js";
import { createLineReader, onPaper } from "../../../src/engine/document/paddle-lines.js";
import { decodeUpload } from "../../../src/engine/image/decode.js";
import { grayAt } from "../../../src/engine/image/gray.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.resolve(here, "../../fixtures/images", name));

/** The MRZ lines PaddleOCR reads in the lines the finder found and levelled. */
async function paddleLines(bytes: Buffer): Promise<string[]> {
  const reader = await createLineReader();
  const texts: string[] = [];
  for (const strip of lineStrips(await levelledBand(bytes), 30, TESSERACT_MARGIN)) texts.push(await reader.read(strip));
  return texts;
}

async function levelledBand(bytes: Buffer) {
  const image = await decodeUpload(bytes);
  const finder = await grayAt(image, 800);
  const source = await grayAt(image, Math.max(image.width, image.height, 1600));
  return sampleBand(source, findMrzCandidates(finder)[0]!, { lineHeight: 30, marginLines: 0.7, marginEnds: 0.015, scale: source.width / finder.width });
}

describe("PaddleOCR on levelled MRZ lines", () => {
  it("reads the ICAO specimen's lines exactly, kept to the MRZ alphabet", async () => {
    const texts = await paddleLines(fixture("icao-passport-td3.jpg"));
    expect(bestReadout(texts.join("\n"))).toMatchObject({
      lines: ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
      invalid: [],
    });
  });

  it("reads a page photographed tilted: the band's own levelling is the deskew it needs", async () => {
    const tilted = await sharp(fixture("icao-passport-td3.jpg")).rotate(-8, { background: "#ffffff" }).jpeg().toBuffer();
    const readout = bestReadout((await paddleLines(tilted)).join("\n"));
    expect(readout?.invalid).toEqual([]);
  });

  it("gets the lines cut close, with a line height of white paper at either end and the ink made black", async () => {
    const band = await levelledBand(fixture("icao-passport-td3.jpg"));
    const loose = lineStrips(band, 30, TESSERACT_MARGIN);
    const tight = lineStrips(band, 30, PADDLE_MARGIN);
    expect(tight).toHaveLength(2);
    expect(tight[0]!.height).toBeLessThan(loose[0]!.height - 12);
    const paper = onPaper(tight[0]!);
    expect(paper.width).toBe(tight[0]!.width + 2 * tight[0]!.height);
    expect(Math.min(...paper.data)).toBe(0);
    for (let y = 0; y < paper.height; y++) expect(paper.data[y * paper.width + 3]).toBe(255);
  });

  it("names its model for the decision's engine versions", async () => {
    expect((await createLineReader()).version).toMatch(/^@gutenye\/ocr-models@1\.4\.\d+\/ch_PP-OCRv4_rec_infer\.onnx$/);
  });
});
