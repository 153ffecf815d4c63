import { createRequire } from "node:module";
import path from "node:path";
import sharp from "sharp";
import { createWorker, OEM, PSM, type Worker } from "tesseract.js";
import type { GrayImage } from "../image/gray.js";

const require = createRequire(import.meta.url);

/** The MRZ alphabet: anything else Tesseract could say is noise here. */
const MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

/** What Tesseract read in a band: its text, and each text line's characters with their confidences (0-100). */
export interface OcrText {
  text: string;
  lines: { chars: string; confidences: number[] }[];
}

export interface MrzOcr {
  /** The text Tesseract reads in a levelled band, one line per text line. */
  read(band: GrayImage): Promise<OcrText>;
  terminate(): Promise<void>;
}

/**
 * One Tesseract worker with the legacy engine: its LSTM mode reads runs of `<` as K and L and is
 * useless on an MRZ. The traineddata comes from @tesseract.js-data/eng (4.0.0 is the folder with
 * the legacy model), never from the network, and nothing is cached to the working directory.
 */
export async function createMrzOcr(): Promise<MrzOcr> {
  const langPath = path.join(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0");
  const worker: Worker = await createWorker(
    "eng",
    OEM.TESSERACT_ONLY,
    { langPath, cacheMethod: "none", legacyCore: true, legacyLang: true, gzip: true },
    { load_system_dawg: "0", load_freq_dawg: "0" },
  );
  await worker.setParameters({
    tessedit_char_whitelist: MRZ_ALPHABET,
    tessedit_pageseg_mode: PSM.SINGLE_BLOCK,
    user_defined_dpi: "300",
    // The legacy classifier adapts to what it has read before, in this worker, across images: a
    // reading would depend on the documents read before it, and a replay would not reproduce it.
    classify_enable_learning: "0",
  });
  return {
    async read(band) {
      const png = await sharp(Buffer.from(band.data.buffer, band.data.byteOffset, band.data.length), {
        raw: { width: band.width, height: band.height, channels: 1 },
      })
        .png({ compressionLevel: 1 })
        .toBuffer();
      const { data } = await worker.recognize(png, {}, { text: true, blocks: true });
      const lines = (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines)).map((line) => {
        const symbols = line.words.flatMap((word) => word.symbols);
        return { chars: symbols.map((symbol) => symbol.text).join(""), confidences: symbols.map((symbol) => symbol.confidence) };
      });
      return { text: data.text, lines };
    },
    async terminate() {
      await worker.terminate();
    },
  };
}
