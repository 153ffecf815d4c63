/**
 * One verification's material, built from a seed: a random document, printed and photographed
 * (front, and back for cards), a selfie, and the truth about all of it. Scenarios and the held
 * set are built from this.
 */
import { aamvaPayload } from "./aamva.js";
import type { IsoDate } from "./dates.js";
import { documentMrz } from "./document-mrz.js";
import type { PersonId } from "./faces.js";
import { type DocumentOptions, type SyntheticDocument, randomDocument } from "./identity.js";
import { type PhotoParams, type PhotoProfile, randomPhotoParams } from "./photo/params.js";
import { type Photo, photograph } from "./photo/photograph.js";
import { makeSelfie, randomSelfieParams } from "./photo/selfie.js";
import type { Random } from "./random.js";
import { printDocument } from "./render/document.js";
import type { PhotoTruth, Truth } from "./scenario-types.js";
import { tamperBirthDateCheckDigit } from "./tamper.js";

export interface CaseOptions extends Omit<DocumentOptions, "asOf"> {
  asOf: IsoDate;
  profile: PhotoProfile;
  /** Applied to the photo of the side that carries the MRZ or the barcode. */
  readableSide?: Partial<PhotoParams>;
  /** Lay a sheet of paper over the MRZ. */
  coverMrz?: boolean;
  tamper?: boolean;
  /** Whose selfie: the holder's when omitted. */
  selfiePerson?: PersonId;
  blurredSelfie?: boolean;
  /** Photograph an existing document again, with its portrait (the duplicate scenario). */
  document?: SyntheticDocument;
  portraitPhoto?: number;
}

export interface Case {
  document: SyntheticDocument;
  /** Which of the holder's photos the portrait uses. */
  portraitPhoto: number;
  documentFront: Buffer;
  documentBack: Buffer | null;
  selfie: Buffer;
  truth: Truth;
}

export const photoTruth = (params: PhotoParams, photo: Photo): PhotoTruth =>
  ({ params, width: photo.width, height: photo.height, corners: photo.corners, mrz: photo.mrz, barcode: photo.barcode });

/** The document's and its holder's fields, in Veriff's vocabulary. */
export function documentTruth(document: SyntheticDocument): Pick<Truth, "document" | "person"> {
  const { holder } = document;
  return {
    document: {
      type: document.type,
      issuingState: document.issuingState.icao,
      country: document.issuingState.alpha2,
      number: document.number,
      personalNumber: document.personalNumber || null,
      dateOfIssue: document.dateOfIssue,
      validUntil: document.dateOfExpiry,
      specimen: document.specimen,
    },
    person: {
      firstName: holder.givenNames,
      lastName: holder.surname,
      nativeName: holder.native ? { firstName: holder.native.givenNames, lastName: holder.native.surname } : null,
      gender: holder.sex,
      dateOfBirth: holder.dateOfBirth,
      nationality: document.nationality.alpha2,
      face: holder.person,
    },
  };
}

export async function buildCase(random: Random, options: CaseOptions): Promise<Case> {
  const document = options.document ?? randomDocument(random.fork("document"), options);
  const mrz = documentMrz(document);
  const tampering = options.tamper && mrz ? tamperBirthDateCheckDigit(mrz, random.fork("tamper")) : null;
  const portraitPhoto = options.portraitPhoto ?? random.fork("portrait").int(0, 9);
  const printed = await printDocument(document, random.fork("print"), { mrz: tampering?.lines ?? mrz, photo: portraitPhoto });

  const photoRandom = random.fork("photo");
  const readableOnBack = printed.back !== null;
  const frontParams = randomPhotoParams(photoRandom, options.profile);
  const backParams = printed.back ? randomPhotoParams(photoRandom, options.profile) : null;
  const readable = readableOnBack ? backParams : frontParams;
  if (readable) {
    Object.assign(readable, options.readableSide ?? {});
    const zone = readableOnBack ? printed.back?.mrz : printed.front.mrz;
    if (options.coverMrz && zone) readable.cover = zone;
  }
  const front = await photograph(printed.front, frontParams);
  const back = printed.back && backParams ? await photograph(printed.back, backParams) : null;

  const selfieParams = randomSelfieParams(random.fork("selfie"), options.selfiePerson ?? document.holder.person, portraitPhoto, { blurred: options.blurredSelfie });
  if (options.selfiePerson && options.selfiePerson !== document.holder.person) selfieParams.sameSourceAsDocument = false;
  const selfie = await makeSelfie(selfieParams);

  const truth: Truth = {
    ...documentTruth(document),
    mrz,
    mrzPrinted: tampering?.lines ?? mrz,
    aamva: document.type === "DRIVERS_LICENSE" ? aamvaPayload(document) : null,
    front: photoTruth(frontParams, front),
    back: back && backParams ? photoTruth(backParams, back) : null,
    selfie: selfieParams,
    tampering: tampering ? { line: tampering.line, column: tampering.column, original: tampering.original, printed: tampering.printed } : null,
  };
  return { document, portraitPhoto, documentFront: front.image, documentBack: back?.image ?? null, selfie, truth };
}
