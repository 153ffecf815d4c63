/**
 * The held set for MRZ reading accuracy: each item is one photographed side that carries an MRZ
 * (a passport's data page, an ID card's back) and the lines it should read as. Only that side is
 * photographed and no selfie is made. A fixed seed and day give the same set, byte for byte, on
 * this machine.
 */
import { documentTruth, photoTruth } from "./case.js";
import type { IsoDate } from "./dates.js";
import { documentMrz } from "./document-mrz.js";
import { type DocumentType, randomDocument } from "./identity.js";
import { type PhotoProfile, randomPhotoParams } from "./photo/params.js";
import { photograph } from "./photo/photograph.js";
import { createRandom } from "./random.js";
import { printDocument } from "./render/document.js";
import type { PhotoTruth, Truth } from "./scenario-types.js";

export interface HeldSetItem {
  index: number;
  /** JPEG of the side that carries the MRZ. */
  image: Buffer;
  side: "front" | "back";
  profile: PhotoProfile;
  mrz: string[];
  document: Truth["document"];
  person: Truth["person"];
  photo: PhotoTruth;
}

/** Item `index` of the set: 70% passports, 30% ID cards; 15% clean, 70% typical, 15% harsh photos. */
export async function buildHeldSetItem(seed: string | number, asOf: IsoDate, index: number): Promise<HeldSetItem> {
  const random = createRandom(`${seed}/held/${index}`);
  const type: DocumentType = random.chance(0.7) ? "PASSPORT" : "ID_CARD";
  const draw = random.next();
  const profile: PhotoProfile = draw < 0.15 ? "clean" : draw < 0.85 ? "typical" : "harsh";
  const document = randomDocument(random.fork("document"), { asOf, type });
  const mrz = documentMrz(document) ?? [];
  const printed = await printDocument(document, random.fork("print"), { mrz, photo: random.int(0, 9) });
  const side = printed.back ? "back" : "front";
  const params = randomPhotoParams(random.fork("photo"), profile);
  const photo = await photograph(printed.back ?? printed.front, params);
  return { index, image: photo.image, side, profile, mrz, ...documentTruth(document), photo: photoTruth(params, photo) };
}
