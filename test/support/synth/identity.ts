/**
 * Random documents and their holders, from a seeded stream. Dates are relative to `asOf`, the day
 * the documents are meant to be checked on, which the caller always names: a set built for a fixed
 * day stays byte-identical, a scenario built for today keeps its "valid" and "expired" true.
 */
import { COUNTRIES, type Country, SPECIMEN_STATE, countryByIcao } from "./countries.js";
import { type IsoDate, addDays, addYears } from "./dates.js";
import type { PersonId } from "./faces.js";
import { PEOPLE } from "./faces.js";
import { POOLS, surnameFor } from "./names.js";
import { numberShapes } from "../../../src/engine/document/number-patterns.js";
import type { Random } from "./random.js";
import { type CyrillicLanguage, romanize } from "./transliterate.js";
import { type UsState, US_STATES, randomAddress, type Address } from "./us-states.js";

export type DocumentType = "PASSPORT" | "ID_CARD" | "DRIVERS_LICENSE";
export type Sex = "M" | "F" | "X";

export interface Holder {
  /** Latin spelling, as printed and as an integrator would send it ("José María", "Aleksei"). */
  givenNames: string;
  surname: string;
  /** The name in its own script, printed above the Latin one, when it is not Latin. */
  native: { givenNames: string; surname: string } | null;
  sex: Sex;
  dateOfBirth: IsoDate;
  placeOfBirth: string;
  /** Whose face the portrait shows. */
  person: PersonId;
}

export interface SyntheticDocument {
  type: DocumentType;
  issuingState: Country;
  nationality: Country;
  number: string;
  personalNumber: string;
  dateOfIssue: IsoDate;
  dateOfExpiry: IsoDate;
  holder: Holder;
  /** Issued by ICAO's specimen state UTO. */
  specimen: boolean;
  /** Driving licences only. */
  usState: UsState | null;
  address: Address | null;
}

export interface DocumentOptions {
  asOf: IsoDate;
  type: DocumentType;
  /** ICAO code; a random real state when omitted ("UTO" for a specimen). */
  issuingState?: string;
  sex?: Sex;
  /** Age on `asOf`, in whole years; 18..80 when omitted. */
  age?: { min: number; max: number };
  /** Make the document expired on `asOf` (by 1 to 1,400 days). */
  expired?: boolean;
  person?: PersonId;
}

const CITIES = ["Springfield", "Riverside", "Lakewood", "Fairview", "Kingston", "Newport", "Greenville", "Bristol"];
const NUMBER_SHAPES = ["ADDDDDDDD", "AADDDDDDD", "DDDDDDDDD", "ADDDDDDDA", "AAXXXXXXX", "XXXXXXXXX"];
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";

/** Letters German document numbers use (no vowels, none an OCR takes for a digit). */
const GERMAN = "CFGHJKLMNPRTVWXYZ";
/** Slots: A letter, D (or 9) digit, X either; G, H and N as the reader's shapes (number-patterns.ts) have them. */
const SLOTS: Record<string, string> = { A: LETTERS, D: DIGITS, "9": DIGITS, G: GERMAN, H: GERMAN + DIGITS, N: LETTERS.replace("O", "") + DIGITS };

function fromShape(random: Random, shape: string): string {
  let out = "";
  for (const slot of shape) {
    const alphabet = SLOTS[slot] ?? LETTERS + DIGITS;
    out += alphabet[random.int(0, alphabet.length - 1)];
  }
  return out;
}

/** A number in one of the shapes the state is known to issue, else in any of the generic ones. */
function documentNumber(random: Random, state: Country, type: DocumentType): string {
  const generic = random.pick(NUMBER_SHAPES);
  const own = numberShapes(state.icao, type === "PASSPORT" ? "passport" : "card");
  return fromShape(random, own.length > 0 ? random.pick(own) : generic);
}

function randomHolder(random: Random, country: Country, options: DocumentOptions): Holder {
  const sex: Sex = options.sex ?? (random.chance(0.02) ? "X" : random.pick(["M", "F"] as const));
  const pool = POOLS[country.pool];
  const given = random.pick(sex === "F" ? pool.female : sex === "M" ? pool.male : [...pool.male, ...pool.female]);
  const surname = surnameFor(random.pick(pool.surnames), sex);
  const age = random.int(options.age?.min ?? 18, options.age?.max ?? 80);
  // Born between `age` and `age + 1` years before asOf, so the age on asOf is exactly `age`.
  const dateOfBirth = addDays(addYears(options.asOf, -age - 1), random.int(1, 364));
  const language = country.pool === "ru" || country.pool === "uk" || country.pool === "bg" ? (country.pool as CyrillicLanguage) : undefined;
  const native = pool.script ? { givenNames: given, surname } : null;
  return {
    givenNames: pool.script ? romanize(given, pool.script, language) : given,
    surname: pool.script ? romanize(surname, pool.script, language) : surname,
    native,
    sex,
    dateOfBirth,
    placeOfBirth: random.pick(CITIES),
    person: options.person ?? random.pick(PEOPLE),
  };
}

export function randomDocument(random: Random, options: DocumentOptions): SyntheticDocument {
  const licence = options.type === "DRIVERS_LICENSE";
  const issuingState = licence ? countryByIcao("USA") : options.issuingState ? countryByIcao(options.issuingState) : random.pick(COUNTRIES);
  const specimen = issuingState === SPECIMEN_STATE;
  const holder = randomHolder(random, issuingState, options);
  const minor = (options.age?.max ?? 80) < 18;
  const validity = licence ? 8 : minor ? 5 : 10;
  const drawn = options.expired
    ? addDays(addYears(options.asOf, -validity), -random.int(1, 1400))
    : addDays(options.asOf, -random.int(30, validity * 365 - 60));
  // A baby's passport cannot be older than the baby (ISO dates compare as strings).
  const dateOfIssue = drawn > holder.dateOfBirth ? drawn : addDays(holder.dateOfBirth, 7);
  const usState = licence ? random.pick(US_STATES) : null;
  return {
    type: options.type,
    issuingState,
    nationality: issuingState,
    number: licence && usState ? fromShape(random, usState.numberShape) : documentNumber(random, issuingState, options.type),
    personalNumber: !licence && random.chance(0.5) ? fromShape(random, "D".repeat(random.int(8, 11))) : "",
    dateOfIssue,
    dateOfExpiry: addDays(addYears(dateOfIssue, validity), -1),
    holder,
    specimen,
    usState,
    address: usState ? randomAddress(random, usState) : null,
  };
}
