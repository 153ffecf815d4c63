/**
 * Fonts, registered once under names of our own so that no installed font is ever picked instead
 * (which keeps the pixels the same from one machine to the next). OCR-B is Debian's fonts-ocr-b
 * (public domain); DejaVu Sans is on every Debian system and covers Greek and Cyrillic.
 */
import { existsSync } from "node:fs";
import { GlobalFonts } from "@napi-rs/canvas";

export const OCR_B = "SynthOCRB";
export const SANS = "SynthSans";
export const SANS_BOLD = "SynthSansBold";

const FILES: Array<[string, string, string]> = [
  [OCR_B, "/usr/share/fonts/opentype/ocr-b/OCRB.otf", "apt-get install fonts-ocr-b"],
  [SANS, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "apt-get install fonts-dejavu-core"],
  [SANS_BOLD, "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "apt-get install fonts-dejavu-core"],
];

let registered = false;

export function registerFonts(): void {
  if (registered) return;
  for (const [family, file, install] of FILES) {
    if (!existsSync(file)) throw new Error(`synthetic documents need ${file}: ${install}`);
    GlobalFonts.registerFromPath(file, family);
  }
  registered = true;
}
