/** An ICAO TD3 passport data page, 125 × 88 mm: header, portrait, visual zone, two-line MRZ. */
import { printedDate } from "../dates.js";
import { FACE_PHOTOS } from "../faces.js";
import type { SyntheticDocument } from "../identity.js";
import type { Random } from "../random.js";
import { type Box, type Side, createSide, drawField, drawMrz, drawSecurityBackground, drawSignature, drawText, PX_PER_MM, randomPalette } from "./page.js";
import { portraitImage } from "./portrait.js";

export interface RenderedSide {
  side: Side;
  /** Where the MRZ is, as fractions of the side; null on a side without one. */
  mrz: Box | null;
  /** Where the portrait is. */
  portrait: Box | null;
}

export async function renderPassportPage(document: SyntheticDocument, mrz: readonly string[], random: Random, options: { ghost: boolean; photo: number }): Promise<RenderedSide> {
  const side = createSide(125, 88);
  const { ctx } = side;
  const palette = randomPalette(random);
  drawSecurityBackground(side, random, palette);
  ctx.fillStyle = palette.accent;
  ctx.fillRect(0, 0, 125, 9);
  drawText(side, 5, 6.2, document.issuingState.name.toUpperCase(), 3.4, { bold: true, color: "#ffffff" });
  drawText(side, 120, 6.2, "PASSPORT / PASSEPORT", 3, { bold: true, color: "#ffffff", align: "right" });

  const photos = FACE_PHOTOS[document.holder.person];
  const photo = photos[options.photo % photos.length];
  if (!photo) throw new Error(`no photo of ${document.holder.person}`);
  const portraitBox = { x: 5, y: 12, width: 33, height: 42.4 };
  ctx.drawImage(await portraitImage(photo, Math.round(portraitBox.width * PX_PER_MM), Math.round(portraitBox.height * PX_PER_MM)),
    portraitBox.x, portraitBox.y, portraitBox.width, portraitBox.height);
  if (options.ghost) {
    ctx.globalAlpha = 0.35;
    ctx.drawImage(await portraitImage(photo, 14 * PX_PER_MM, 18 * PX_PER_MM, true), 106, 27, 14, 18);
    ctx.globalAlpha = 1;
  }

  const { holder } = document;
  const x = 43;
  drawField(side, x, 12, "Type / Type", "P");
  drawField(side, x + 16, 12, "Code / Code", document.issuingState.icao);
  drawField(side, x + 38, 12, "Passport No. / No. du passeport", document.number);
  const surname = holder.native ? `${holder.native.surname} / ${holder.surname.toUpperCase()}` : holder.surname.toUpperCase();
  const given = holder.native ? `${holder.native.givenNames} / ${holder.givenNames.toUpperCase()}` : holder.givenNames.toUpperCase();
  drawField(side, x, 19.5, "Surname / Nom", surname);
  drawField(side, x, 27, "Given names / Prénoms", given);
  drawField(side, x, 34.5, "Nationality / Nationalité", document.nationality.name.toUpperCase(), 2.8);
  drawField(side, x, 42, "Date of birth / Date de naissance", printedDate(holder.dateOfBirth));
  drawField(side, x + 38, 42, "Sex / Sexe", holder.sex);
  drawField(side, x, 49.5, "Place of birth / Lieu de naissance", holder.placeOfBirth.toUpperCase(), 2.8);
  drawField(side, x + 38, 49.5, "Date of issue / Date de délivrance", printedDate(document.dateOfIssue), 2.8);
  drawField(side, x, 57, "Date of expiry / Date d'expiration", printedDate(document.dateOfExpiry));
  drawText(side, x + 38, 57, "Holder's signature / Signature du titulaire", 1.6, { color: "#4a4a55" });
  drawSignature(side, random, x + 40, 62, 26);

  // The MRZ sits in the bottom 23.2 mm; its background is kept quiet, as ICAO asks.
  ctx.fillStyle = "rgba(255,255,255,0.45)";
  ctx.fillRect(0, 88 - 23.2, 125, 23.2);
  const mrzBox = drawMrz(side, mrz, 6.6, 83.6, 6.4);
  return { side, mrz: mrzBox, portrait: { x: portraitBox.x / 125, y: portraitBox.y / 88, width: portraitBox.width / 125, height: portraitBox.height / 88 } };
}
