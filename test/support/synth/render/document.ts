/**
 * Every side of a synthetic document, printed: a passport's data page, an ID card's front and its
 * back with the MRZ, a driving licence's front and its back with the PDF417.
 */
import type { SyntheticDocument } from "../identity.js";
import type { Random } from "../random.js";
import type { PrintedSide } from "../photo/photograph.js";
import { renderIdCardBack, renderIdCardFront } from "./id-card.js";
import { renderLicenceBack, renderLicenceFront } from "./licence.js";
import { randomPalette } from "./page.js";
import { renderPassportPage } from "./passport.js";

export interface PrintedDocument {
  front: PrintedSide;
  back: PrintedSide | null;
}

export interface PrintOptions {
  /** The MRZ to print: normally `documentMrz(document)`, a tampered copy for the tampering scenario. */
  mrz: readonly string[] | null;
  /** Which of the holder's photos the portrait uses. */
  photo: number;
  /** A faint second portrait, as many passports print (a second face for a face detector to find). */
  ghost?: boolean;
}

export async function printDocument(document: SyntheticDocument, random: Random, options: PrintOptions): Promise<PrintedDocument> {
  if (document.type === "PASSPORT") {
    if (!options.mrz) throw new Error("a passport needs its MRZ");
    const page = await renderPassportPage(document, options.mrz, random, { ghost: options.ghost ?? false, photo: options.photo });
    return { front: { canvas: page.side.canvas, mrz: page.mrz }, back: null };
  }
  const palette = randomPalette(random);
  if (document.type === "ID_CARD") {
    if (!options.mrz) throw new Error("an ID card needs its MRZ");
    const front = await renderIdCardFront(document, random, palette, options.photo);
    const back = renderIdCardBack(document, options.mrz, random, palette);
    return { front: { canvas: front.side.canvas }, back: { canvas: back.side.canvas, mrz: back.mrz } };
  }
  const front = await renderLicenceFront(document, random, palette, options.photo);
  const back = await renderLicenceBack(document, random, palette);
  return { front: { canvas: front.side.canvas }, back: { canvas: back.side.canvas, barcode: back.barcode } };
}
