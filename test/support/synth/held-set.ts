/**
 * The held set for MRZ reading accuracy: each item is one photographed side that carries an MRZ
 * (a passport's data page, an ID card's back) and the lines it should read as. A fixed seed and
 * day give the same set, byte for byte, on this machine.
 */
import { type Case, buildCase } from "./case.js";
import type { IsoDate } from "./dates.js";
import type { DocumentType } from "./identity.js";
import type { PhotoProfile } from "./photo/params.js";
import { createRandom } from "./random.js";

export interface HeldSetItem {
  index: number;
  /** JPEG of the side that carries the MRZ. */
  image: Buffer;
  side: "front" | "back";
  profile: PhotoProfile;
  truth: Case["truth"];
}

/** Item `index` of the set: 70% passports, 30% ID cards; 15% clean, 70% typical, 15% harsh photos. */
export async function buildHeldSetItem(seed: string | number, asOf: IsoDate, index: number): Promise<HeldSetItem> {
  const random = createRandom(`${seed}/held/${index}`);
  const type: DocumentType = random.chance(0.7) ? "PASSPORT" : "ID_CARD";
  const draw = random.next();
  const profile: PhotoProfile = draw < 0.15 ? "clean" : draw < 0.85 ? "typical" : "harsh";
  const built = await buildCase(random.fork("case"), { asOf, type, profile });
  const onBack = built.documentBack !== null;
  return { index, image: onBack ? (built.documentBack as Buffer) : built.documentFront, side: onBack ? "back" : "front", profile, truth: built.truth };
}
