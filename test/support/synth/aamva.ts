/**
 * The AAMVA (2016 card design standard, version 10) text a US driving licence's PDF417 carries:
 * the header, one subfile directory entry with its real offset and length, then the `DL` subfile,
 * one element per line. Dates are MMDDCCYY, as US issuers write them.
 */
import { aamvaDate } from "./dates.js";
import type { SyntheticDocument } from "./identity.js";

const LF = "\n";
const RS = "\u001e";
const CR = "\r";

export function aamvaPayload(document: SyntheticDocument): string {
  const { holder, usState, address } = document;
  if (!usState || !address) throw new Error("an AAMVA payload needs a US driving licence");
  const [first = "", ...middle] = holder.givenNames.toUpperCase().split(/\s+/);
  const elements: Array<[string, string]> = [
    ["DCA", "C"], ["DCB", "NONE"], ["DCD", "NONE"],
    ["DBA", aamvaDate(document.dateOfExpiry)],
    ["DCS", holder.surname.toUpperCase()],
    ["DAC", first],
    ["DAD", middle.join(" ") || "NONE"],
    ["DBD", aamvaDate(document.dateOfIssue)],
    ["DBB", aamvaDate(holder.dateOfBirth)],
    ["DBC", holder.sex === "F" ? "2" : holder.sex === "M" ? "1" : "9"],
    ["DAY", "BRO"], ["DAU", "070 IN"],
    ["DAG", address.street.toUpperCase()],
    ["DAI", address.city.toUpperCase()],
    ["DAJ", address.state],
    ["DAK", address.postalCode.padEnd(11, " ")],
    ["DAQ", document.number],
    ["DCF", `${document.number}${aamvaDate(document.dateOfIssue)}`],
    ["DCG", "USA"], ["DDE", "N"], ["DDF", "N"], ["DDG", "N"],
  ];
  const subfile = `DL${elements.map(([id, value]) => id + value).join(LF)}${CR}`;
  const entries = 1;
  const headerLength = 21 + 10 * entries;
  const header = `@${LF}${RS}${CR}ANSI ${usState.iin}1000${String(entries).padStart(2, "0")}`;
  const directory = `DL${String(headerLength).padStart(4, "0")}${String(subfile.length).padStart(4, "0")}`;
  return header + directory + subfile;
}
