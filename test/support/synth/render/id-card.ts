/** An ICAO TD1 identity card, 85.6 × 54 mm: portrait and visual zone in front, the 3-line MRZ on the back. */
import { printedDate } from "../dates.js";
import { FACE_PHOTOS } from "../faces.js";
import type { SyntheticDocument } from "../identity.js";
import type { Random } from "../random.js";
import { createSide, drawField, drawMrz, drawSecurityBackground, drawSignature, drawText, PX_PER_MM, type Palette } from "./page.js";
import type { RenderedSide } from "./passport.js";
import { portraitImage } from "./portrait.js";

const W = 85.6;
const H = 54;

function roundCorners(side: RenderedSide["side"]): void {
  // Cut to the card's 3.18 mm corner radius, so the photographer sees the desk through the corners.
  const { ctx } = side;
  ctx.globalCompositeOperation = "destination-in";
  ctx.beginPath();
  ctx.roundRect(0, 0, W, H, 3.18);
  ctx.fill();
  ctx.globalCompositeOperation = "source-over";
}

export async function renderIdCardFront(document: SyntheticDocument, random: Random, palette: Palette, photoIndex: number): Promise<RenderedSide> {
  const side = createSide(W, H);
  const { ctx } = side;
  drawSecurityBackground(side, random, palette);
  ctx.fillStyle = palette.accent;
  ctx.fillRect(0, 0, W, 7);
  drawText(side, 3.5, 4.8, document.issuingState.name.toUpperCase(), 2.6, { bold: true, color: "#ffffff" });
  drawText(side, W - 3.5, 4.8, "IDENTITY CARD", 2.2, { bold: true, color: "#ffffff", align: "right" });

  const photos = FACE_PHOTOS[document.holder.person];
  const photo = photos[photoIndex % photos.length];
  if (!photo) throw new Error(`no photo of ${document.holder.person}`);
  const box = { x: 3.5, y: 10, width: 23, height: 29.6 };
  ctx.drawImage(await portraitImage(photo, Math.round(box.width * PX_PER_MM), Math.round(box.height * PX_PER_MM)), box.x, box.y, box.width, box.height);

  const { holder } = document;
  const x = 30;
  const surname = holder.native ? `${holder.native.surname} / ${holder.surname.toUpperCase()}` : holder.surname.toUpperCase();
  const given = holder.native ? `${holder.native.givenNames} / ${holder.givenNames.toUpperCase()}` : holder.givenNames.toUpperCase();
  drawField(side, x, 10, "Surname / Nom", surname, 2.6);
  drawField(side, x, 16.5, "Given names / Prénoms", given, 2.6);
  drawField(side, x, 23, "Sex / Sexe", holder.sex, 2.6);
  drawField(side, x + 14, 23, "Nationality / Nationalité", document.nationality.icao, 2.6);
  drawField(side, x, 29.5, "Date of birth / Date de naissance", printedDate(holder.dateOfBirth), 2.6);
  drawField(side, x, 36, "Document No. / No. du document", document.number, 2.6);
  drawField(side, x + 28, 36, "Expiry / Expiration", printedDate(document.dateOfExpiry), 2.2);
  drawSignature(side, random, 6, 47, 18);
  drawText(side, 3.5, 51.5, "Holder's signature", 1.5, { color: "#4a4a55" });
  roundCorners(side);
  return { side, mrz: null, portrait: { x: box.x / W, y: box.y / H, width: box.width / W, height: box.height / H } };
}

export function renderIdCardBack(document: SyntheticDocument, mrz: readonly string[], random: Random, palette: Palette): RenderedSide {
  const side = createSide(W, H);
  drawSecurityBackground(side, random, palette);
  drawField(side, 4, 5, "Place of birth / Lieu de naissance", document.holder.placeOfBirth.toUpperCase(), 2.4);
  drawField(side, 4, 12, "Date of issue / Date de délivrance", printedDate(document.dateOfIssue), 2.4);
  drawField(side, 46, 12, "Personal No. / No. personnel", document.personalNumber || "—", 2.4);
  drawField(side, 4, 19, "Authority / Autorité", `${document.issuingState.icao} ${random.pick(["CENTRAL OFFICE", "POLICE", "MUNICIPALITY"])}`, 2.4);
  side.ctx.fillStyle = "rgba(255,255,255,0.5)";
  side.ctx.fillRect(0, 31, W, H - 31);
  const mrzBox = drawMrz(side, mrz, 4.7, 50.6, 6.3);
  roundCorners(side);
  return { side, mrz: mrzBox, portrait: null };
}


