import { describe, expect, it } from "vitest";
import { alpha2Of, bestReadout, fieldsOfReadout } from "../../../src/engine/document/index.js";

const TODAY = new Date("2026-12-04T12:00:00Z");
const read = (lines: string[]) => fieldsOfReadout(bestReadout(lines.join("\n"))!, TODAY);

describe("fields from an MRZ", () => {
  it("gives the ICAO specimen passport's person and document in Veriff's vocabulary, flagged as a specimen", () => {
    const result = read(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]);
    expect(result.specimen).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.fields).toEqual({
      firstName: "ANNA MARIA",
      lastName: "ERIKSSON",
      dateOfBirth: "1974-08-12",
      gender: "F",
      nationality: "UTO",
      documentNumber: "L898902C3",
      documentType: "PASSPORT",
      issuingCountry: "UTO",
      validUntil: "2012-04-15",
      personalNumber: "ZE184226B",
    });
  });

  it("converts state codes to alpha-2, Germany's D included, and reads an identity card as ID_CARD", () => {
    const result = read(["IDD<<T220001293<<<<<<<<<<<<<<<", "6408125<2010315D<<<<<<<<<<<<<4", "MUSTERMANN<<ERIKA<<<<<<<<<<<<<"]);
    expect(result.specimen).toBe(false);
    expect(result.fields).toMatchObject({
      lastName: "MUSTERMANN",
      firstName: "ERIKA",
      issuingCountry: "DE",
      nationality: "DE",
      documentType: "ID_CARD",
      documentNumber: "T22000129",
      dateOfBirth: "1964-08-12",
      validUntil: "2020-10-31",
      gender: null,
    });
  });

  it("puts a birth year in this century only when that date has already come", () => {
    const child = read(["P<GBRSMITH<<JO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "1234567897GBR1501010M3001019<<<<<<<<<<<<<<00"]);
    expect(child.fields.dateOfBirth).toBe("2015-01-01");
    expect(child.fields.nationality).toBe("GB");
    const elder = read(["P<GBRSMITH<<JO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "1234567897GBR3001019M3001019<<<<<<<<<<<<<<08"]);
    expect(elder.fields.dateOfBirth).toBe("1930-01-01");
  });

  it("withholds what the MRZ cannot vouch for rather than report it wrong", () => {
    // The birth date's check digit fails: no date; the expiry's holds.
    const misread = read(["P<GBRSMITH<<JO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "1234567897GBR1501013M3001019<<<<<<<<<<<<<<00"]);
    expect(misread.fields).toMatchObject({ dateOfBirth: null, validUntil: "2030-01-01", lastName: "SMITH" });
    // A code that is no state's (OCR turned a digit into a letter, or the document is a mock-up).
    const unknown = read(["P<XQZSMITH<<JO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "1234567897XQZ1501010M3001019<<<<<<<<<<<<<<00"]);
    expect(unknown.fields).toMatchObject({ issuingCountry: null, nationality: null, documentNumber: "123456789" });
  });

  it("maps ICAO's own codes and leaves codes with no alpha-2 to the caller", () => {
    expect(alpha2Of("GBR")).toBe("GB");
    expect(alpha2Of("D<<")).toBe("DE");
    expect(alpha2Of("GBD")).toBe("GB");
    expect(alpha2Of("UTO")).toBeNull();
    expect(alpha2Of("XXA")).toBeNull();
  });
});
