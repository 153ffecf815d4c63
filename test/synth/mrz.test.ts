import { parse } from "mrz";
import { describe, expect, it } from "vitest";
import {
  checkDigit, createRandom, documentMrz, mrzText, nameField, randomDocument, romanize, tamperBirthDateCheckDigit, td3Lines,
} from "../support/synth/index.js";

const ASOF = "2026-12-04";
const century = (yy: string, pivot: number) => (Number(yy) > pivot ? `19${yy}` : `20${yy}`);

describe("MRZ of the synthetic documents", () => {
  it("computes ICAO's check digits and rebuilds the ICAO 9303 specimen passport exactly", () => {
    expect([checkDigit("L898902C3"), checkDigit("740812"), checkDigit("120415"), checkDigit("ZE184226B<<<<<")]).toEqual(["6", "2", "9", "1"]);
    const lines = td3Lines({
      issuingState: "UTO", primaryName: "ERIKSSON", secondaryName: "ANNA<MARIA", documentNumber: "L898902C3", nationality: "UTO",
      dateOfBirth: "1974-08-12", sex: "F", dateOfExpiry: "2012-04-15", personalNumber: "ZE184226B",
    });
    expect(lines).toEqual(["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]);
  });

  for (const type of ["PASSPORT", "ID_CARD"] as const) {
    it(`gives 2,000 random ${type === "PASSPORT" ? "TD3" : "TD1"} zones that the mrz package finds valid, holding the document's own fields`, () => {
      const random = createRandom(`mrz-${type}`);
      const wrong: unknown[] = [];
      for (let i = 0; i < 2000; i++) {
        const document = randomDocument(random, { asOf: ASOF, type, age: { min: 0, max: 95 } });
        const lines = documentMrz(document) ?? [];
        const { valid, format, fields, details } = parse(lines);
        const birth = fields.birthDate ?? "";
        const read = {
          valid, format, number: fields.documentNumber,
          birth: `${century(birth.slice(0, 2), 26)}-${birth.slice(2, 4)}-${birth.slice(4, 6)}`,
          expiry: `20${fields.expirationDate?.slice(0, 2)}`,
          surnameStart: fields.lastName?.replaceAll(" ", "").slice(0, 4),
        };
        const meant = {
          valid: true, format: type === "PASSPORT" ? "TD3" : "TD1", number: document.number,
          birth: document.holder.dateOfBirth, expiry: document.dateOfExpiry.slice(0, 4),
          surnameStart: mrzText(document.holder.surname, document.issuingState.umlauts).replaceAll("<", "").slice(0, 4),
        };
        if (JSON.stringify(read) !== JSON.stringify(meant)) wrong.push({ lines, read, meant, errors: details.filter((d) => !d.valid).map((d) => d.error) });
      }
      expect(wrong).toEqual([]);
    });
  }

  it("issues ICAO specimens from UTO on request: every check digit valid, only the state code unknown to the mrz package", () => {
    const document = randomDocument(createRandom("specimen"), { asOf: ASOF, type: "PASSPORT", issuingState: "UTO" });
    expect(document.specimen).toBe(true);
    const lines = documentMrz(document) ?? [];
    expect(lines[0]?.slice(0, 5)).toBe("P<UTO");
    const invalid = parse(lines).details.filter((d) => !d.valid).map((d) => d.field);
    expect(invalid).toEqual(["issuingState", "nationality"]);
  });

  it("writes names in the MRZ alphabet after ICAO 9303 part 3, umlauts expanded or stripped as the issuing state does", () => {
    expect(mrzText("Müller", "expand")).toBe("MUELLER");
    expect(mrzText("Müller", "strip")).toBe("MULLER");
    expect(mrzText("Hämäläinen", "strip")).toBe("HAMALAINEN");
    expect(mrzText("Groß", "strip")).toBe("GROSS");
    expect(mrzText("Østergaard", "strip")).toBe("OESTERGAARD");
    expect(mrzText("Þórdís", "expand")).toBe("THORDIS");
    expect(mrzText("O'Brien", "expand")).toBe("OBRIEN");
    expect(mrzText("Jean-Luc", "expand")).toBe("JEAN<LUC");
    expect(mrzText("Fernández de Córdoba", "expand")).toBe("FERNANDEZ<DE<CORDOBA");
    expect(mrzText("Łukasz Żółkiewski", "expand")).toBe("LUKASZ<ZOLKIEWSKI");
    expect(mrzText("Nguyễn Đức", "expand")).toBe("NGUYEN<DUC");
  });

  it("transliterates Cyrillic and Greek names with ICAO's tables", () => {
    expect(romanize("Щербаков", "cyrillic", "ru")).toBe("Shcherbakov");
    expect(romanize("Юлия", "cyrillic", "ru")).toBe("Iuliia");
    expect(romanize("Олександр", "cyrillic", "uk")).toBe("Oleksandr");
    expect(romanize("Григорій", "cyrillic", "uk")).toBe("Hryhorii");
    expect(romanize("Γεώργιος", "greek")).toBe("Georgios");
    expect(romanize("Παπαδόπουλος", "greek")).toBe("Papadopoulos");
    expect(romanize("Ευαγγελία", "greek")).toBe("Evangelia");
  });

  it("truncates a name too long for its field, given names first, ending on a letter", () => {
    const field = nameField("MONTGOMERY<FITZGERALD<WORTHINGTON", "ALEXANDER<BENEDICT<THEODORE", 39);
    expect(field).toBe("MONTGOMERY<FITZGERALD<WORTHINGTON<<ALEX");
    expect(nameField("A".repeat(45), "BOB", 39)).toBe(`${"A".repeat(36)}<<B`);
    expect(nameField("SMITH", "JOHN", 30)).toBe(`SMITH<<JOHN${"<".repeat(19)}`);
  });

  it("tampers with exactly one check digit, the birth date's, in TD3 and TD1", () => {
    const random = createRandom("tamper");
    for (const type of ["PASSPORT", "ID_CARD"] as const) {
      for (let i = 0; i < 200; i++) {
        const lines = documentMrz(randomDocument(random, { asOf: ASOF, type })) as string[];
        const tampered = tamperBirthDateCheckDigit(lines, random);
        expect(tampered.printed).not.toBe(tampered.original);
        const invalid = parse(tampered.lines).details.filter((d) => !d.valid).map((d) => d.field);
        expect(invalid).toEqual(["birthDateCheckDigit"]);
      }
    }
  });
});
