/** A US driving licence (ID-1 card): portrait and fields in front, the AAMVA PDF417 on the back. */
import { loadImage } from "@napi-rs/canvas";
import bwipjs from "bwip-js";
import { aamvaPayload } from "../aamva.js";
import { usDate } from "../dates.js";
import { FACE_PHOTOS } from "../faces.js";
import type { SyntheticDocument } from "../identity.js";
import type { Random } from "../random.js";
import { createSide, drawField, drawSecurityBackground, drawSignature, drawText, PX_PER_MM, type Palette } from "./page.js";
import type { RenderedSide } from "./passport.js";
import { portraitImage } from "./portrait.js";

const W = 85.6;
const H = 54;

export interface RenderedBack extends RenderedSide {
  /** Where the PDF417 is, as fractions of the side. */
  barcode: { x: number; y: number; width: number; height: number };
}

export async function renderLicenceFront(document: SyntheticDocument, random: Random, palette: Palette, photoIndex: number): Promise<RenderedSide> {
  const side = createSide(W, H);
  const { ctx } = side;
  const state = document.usState;
  if (!state || !document.address) throw new Error("a driving licence needs a US state");
  drawSecurityBackground(side, random, palette);
  ctx.fillStyle = palette.accent;
  ctx.fillRect(0, 0, W, 8);
  drawText(side, 3.5, 5.6, state.name.toUpperCase(), 3.4, { bold: true, color: "#ffffff" });
  drawText(side, W - 3.5, 5.4, "DRIVER LICENSE", 2.4, { bold: true, color: "#ffffff", align: "right" });
  const photos = FACE_PHOTOS[document.holder.person];
  const photo = photos[photoIndex % photos.length];
  if (!photo) throw new Error(`no photo of ${document.holder.person}`);
  const box = { x: 3.5, y: 11, width: 24, height: 30.9 };
  ctx.drawImage(await portraitImage(photo, Math.round(box.width * PX_PER_MM), Math.round(box.height * PX_PER_MM)), box.x, box.y, box.width, box.height);
  const { holder, address } = { holder: document.holder, address: document.address };
  const x = 31;
  drawField(side, x, 10.5, "DL", document.number, 3);
  drawField(side, x + 30, 10.5, "EXP", usDate(document.dateOfExpiry), 2.6);
  drawField(side, x, 17.5, "LN", holder.surname.toUpperCase(), 2.6);
  drawField(side, x, 23.5, "FN", holder.givenNames.toUpperCase(), 2.6);
  drawText(side, x, 31, address.street.toUpperCase(), 2);
  drawText(side, x, 33.6, `${address.city.toUpperCase()}, ${address.state} ${address.postalCode}`, 2);
  drawField(side, x, 36, "DOB", usDate(holder.dateOfBirth), 2.6);
  drawField(side, x + 24, 36, "SEX", holder.sex, 2.4);
  drawField(side, x + 34, 36, "ISS", usDate(document.dateOfIssue), 2);
  drawField(side, x, 43, "CLASS", "C", 2.2);
  drawField(side, x + 14, 43, "EYES", "BRO", 2.2);
  drawField(side, x + 28, 43, "HGT", "5'-10\"", 2.2);
  drawSignature(side, random, 5, 48, 20);
  return { side, mrz: null, portrait: { x: box.x / W, y: box.y / H, width: box.width / W, height: box.height / H } };
}

export async function renderLicenceBack(document: SyntheticDocument, random: Random, palette: Palette): Promise<RenderedBack> {
  const side = createSide(W, H);
  const { ctx } = side;
  drawSecurityBackground(side, random, palette);
  // columns and eclevel are BWIPP options the type declarations do not list.
  const options = { bcid: "pdf417", text: aamvaPayload(document), scale: 2, columns: 8, eclevel: 5 };
  const png = await bwipjs.toBuffer(options);
  const image = await loadImage(png);
  // White quiet zone, then the symbol scaled without smoothing so every module stays a crisp bar.
  const width = W - 10;
  const height = Math.min(30, (width * image.height) / image.width);
  const barcode = { x: 5, y: 6, width, height };
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(barcode.x - 2, barcode.y - 2, barcode.width + 4, barcode.height + 4);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, barcode.x, barcode.y, barcode.width, barcode.height);
  ctx.imageSmoothingEnabled = true;
  drawText(side, 5, barcode.y + barcode.height + 6, "This card is the property of the issuing state. If found, return to any office.", 1.7, { color: "#4a4a55" });
  drawText(side, 5, barcode.y + barcode.height + 9, `Document discriminator ${document.number}${usDate(document.dateOfIssue).replaceAll("/", "")}`, 1.7, { color: "#4a4a55" });
  return { side, mrz: null, portrait: null, barcode: { x: barcode.x / W, y: barcode.y / H, width: barcode.width / W, height: barcode.height / H } };
}
