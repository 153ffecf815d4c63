/**
 * The real face photos the repository carries (US government portraits from the face_recognition
 * project, MIT: test/fixtures/faces/LICENSE-face_recognition). Two people only: `obama` has three
 * photos, so his selfie can come from another photo than his document portrait; `biden` has one.
 * Each photo has a fixed box around the head and shoulders at the 7:9 proportions of a passport
 * photo, found by looking at it.
 */
import { fileURLToPath } from "node:url";

export type PersonId = "obama" | "biden";

export interface FacePhoto {
  file: string;
  /** Head-and-shoulders box in the photo's pixels (7:9). */
  portrait: { left: number; top: number; width: number; height: number };
}

const fixture = (relative: string) => fileURLToPath(new URL(`../../fixtures/${relative}`, import.meta.url));

export const FACE_PHOTOS: Record<PersonId, readonly FacePhoto[]> = {
  obama: [
    { file: fixture("images/obama.jpg"), portrait: { left: 268, top: 0, width: 450, height: 579 } },
    { file: fixture("faces/obama2.jpg"), portrait: { left: 150, top: 120, width: 410, height: 527 } },
    { file: fixture("faces/obama3.jpg"), portrait: { left: 500, top: 130, width: 500, height: 643 } },
  ],
  biden: [{ file: fixture("faces/biden.jpg"), portrait: { left: 320, top: 40, width: 500, height: 643 } }],
};

export const PEOPLE: readonly PersonId[] = ["obama", "biden"];

export const otherPerson = (person: PersonId): PersonId => (person === "obama" ? "biden" : "obama");
