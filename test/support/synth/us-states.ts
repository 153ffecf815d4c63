/** US issuers of driving licences: their AAMVA issuer identification numbers (IIN) and number shapes. */
import type { Random } from "./random.js";

export interface UsState {
  code: string;
  name: string;
  iin: string;
  /** A = letter, D = digit. */
  numberShape: string;
  city: string;
  postalPrefix: string;
}

export const US_STATES: readonly UsState[] = [
  { code: "CA", name: "California", iin: "636014", numberShape: "ADDDDDDD", city: "Sacramento", postalPrefix: "958" },
  { code: "NY", name: "New York", iin: "636001", numberShape: "DDDDDDDDD", city: "Albany", postalPrefix: "122" },
  { code: "TX", name: "Texas", iin: "636015", numberShape: "DDDDDDDD", city: "Austin", postalPrefix: "787" },
  { code: "FL", name: "Florida", iin: "636010", numberShape: "ADDDDDDDDDDDD", city: "Tallahassee", postalPrefix: "323" },
  { code: "WA", name: "Washington", iin: "636045", numberShape: "AAAAADDDDDAA", city: "Olympia", postalPrefix: "985" },
];

export interface Address {
  street: string;
  city: string;
  state: string;
  postalCode: string;
}

const STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Pine Rd"];

export function randomAddress(random: Random, state: UsState): Address {
  return {
    street: `${random.int(10, 9999)} ${random.pick(STREETS)}`,
    city: state.city,
    state: state.code,
    postalCode: `${state.postalPrefix}${String(random.int(0, 99)).padStart(2, "0")}`,
  };
}
