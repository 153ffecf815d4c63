/** The MRZ a synthetic document carries, built from its fields (none on a driving licence). */
import type { SyntheticDocument } from "./identity.js";
import { type MrzData, td1Lines, td3Lines } from "./mrz.js";
import { mrzText } from "./transliterate.js";

export function mrzData(document: SyntheticDocument): MrzData {
  const { holder, issuingState } = document;
  return {
    issuingState: issuingState.icao,
    primaryName: mrzText(holder.surname, issuingState.umlauts),
    secondaryName: mrzText(holder.givenNames, issuingState.umlauts),
    documentNumber: document.number,
    nationality: document.nationality.icao,
    dateOfBirth: holder.dateOfBirth,
    sex: holder.sex,
    dateOfExpiry: document.dateOfExpiry,
    personalNumber: document.personalNumber,
  };
}

export function documentMrz(document: SyntheticDocument): string[] | null {
  if (document.type === "PASSPORT") return td3Lines(mrzData(document));
  if (document.type === "ID_CARD") return td1Lines(mrzData(document));
  return null;
}
