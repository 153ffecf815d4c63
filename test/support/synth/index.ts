/**
 * The synthetic document generator: random identities with correct MRZs, printed ICAO TD3 pages,
 * TD1 cards and US driving licences, photographed virtually, selfies, the engine's scenario suite
 * and the held set. Plain modules, usable from tests and benches; nothing here reaches the network.
 */
export { createRandom, type Random } from "./random.js";
export { type IsoDate, todayUtc, addDays, addYears, ageOn } from "./dates.js";
export { COUNTRIES, SPECIMEN_STATE, countryByIcao, type Country } from "./countries.js";
export { randomDocument, type SyntheticDocument, type Holder, type DocumentType, type DocumentOptions, type Sex } from "./identity.js";
export { checkDigit, nameField, td1Lines, td3Lines, type MrzData } from "./mrz.js";
export { documentMrz, mrzData } from "./document-mrz.js";
export { mrzText, romanize } from "./transliterate.js";
export { aamvaPayload } from "./aamva.js";
export { tamperBirthDateCheckDigit } from "./tamper.js";
export { FACE_PHOTOS, PEOPLE, otherPerson, type PersonId } from "./faces.js";
export { printDocument, type PrintedDocument, type PrintOptions } from "./render/document.js";
export { photograph, placeCard, type Photo, type PrintedSide } from "./photo/photograph.js";
export { randomPhotoParams, type PhotoParams, type PhotoProfile, type Glare } from "./photo/params.js";
export { makeSelfie, randomSelfieParams, type SelfieParams } from "./photo/selfie.js";
export { buildCase, type Case, type CaseOptions } from "./case.js";
export { SCENARIO_NAMES, buildScenario, buildScenarioSuite, type ScenarioName, type ScenarioOptions } from "./scenarios.js";
export type { Scenario, SessionRequest, Expected, Truth, PhotoTruth } from "./scenario-types.js";
export { buildHeldSetItem, type HeldSetItem } from "./held-set.js";
