import { describe, expect, it } from "vitest";
import { bestReadout, checkDigit, LAYOUTS, repairMrz } from "../../../src/engine/document/index.js";

const TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];
const TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"];

const swapAt = (line: string, column: number, char: string) => line.slice(0, column) + char + line.slice(column + 1);

describe("check digits", () => {
  it("follow ICAO 9303's 7-3-1 weighting, letters as 10-35 and fillers as 0", () => {
    expect(checkDigit("L898902C3")).toBe(6);
    expect(checkDigit("740812")).toBe(2);
    expect(checkDigit("ZE184226B<<<<<")).toBe(1);
    expect(checkDigit("D23145890")).toBe(7);
  });
});

describe("repairMrz", () => {
  it("leaves a valid MRZ untouched", () => {
    const repaired = repairMrz(TD3, LAYOUTS.TD3);
    expect(repaired.lines).toEqual(TD3);
    expect(repaired.corrections).toEqual([]);
    expect(repaired.invalid).toEqual([]);
  });

  it("turns letters read in a date back into the digits they look like", () => {
    const misread = [TD3[0]!, TD3[1]!.replace("7408122", "74O8I22")];
    const repaired = repairMrz(misread, LAYOUTS.TD3);
    expect(repaired.lines).toEqual(TD3);
    expect(repaired.corrections).toEqual([
      { line: 1, column: 15, original: "O", corrected: "0" },
      { line: 1, column: 17, original: "I", corrected: "1" },
    ]);
  });

  it("turns digits read in the names and state codes back into letters", () => {
    const misread = [TD3[0]!.replace("ERIKSSON", "ER1KSS0N").replace("UTO", "UT0"), TD3[1]!];
    expect(repairMrz(misread, LAYOUTS.TD3).lines).toEqual(TD3);
  });

  it("picks the look-alike in a document number that makes its check digit hold", () => {
    // "L898902C3" with a 0 read as O: both can stand in a document number, only 0 satisfies the check.
    const misread = [TD3[0]!, swapAt(TD3[1]!, 5, "O")];
    const repaired = repairMrz(misread, LAYOUTS.TD3);
    expect(repaired.lines).toEqual(TD3);
    expect(repaired.corrections).toEqual([{ line: 1, column: 5, original: "O", corrected: "0" }]);
  });

  it("leaves a document number alone when several look-alike swaps would satisfy its check digit", () => {
    // 8 read as B: B→8 holds, but so does another single swap; the check digit cannot tell which.
    const misread = [TD3[0]!, swapAt(TD3[1]!, 1, "B")];
    const repaired = repairMrz(misread, LAYOUTS.TD3);
    expect(repaired.lines[1]!.slice(0, 9)).toBe("LB98902C3");
    expect(repaired.invalid).toContain("documentNumber");
  });

  it("reports a check digit that no look-alike can fix instead of inventing one", () => {
    const wrong = [TD3[0]!, swapAt(TD3[1]!, 19, "7")]; // birth date check digit 2 read as 7
    const repaired = repairMrz(wrong, LAYOUTS.TD3);
    expect(repaired.invalid).toEqual(["birthDate", "composite"]);
    expect(repaired.lines[1]![19]).toBe("7");
  });

  it("repairs a TD1 card by its own layout, over three lines", () => {
    const misread = [TD1[0]!, TD1[1]!.replace("7408122F", "74O8I22F").replace("UTO", "UT0"), TD1[2]!.replace("MARIA", "MAR1A")];
    const repaired = repairMrz(misread, LAYOUTS.TD1);
    expect(repaired.lines).toEqual(TD1);
    expect(repaired.invalid).toEqual([]);
  });
});

describe("repairMrz with what states print", () => {
  const POLISH = ["P<POLKOWALSKA<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<", "ZS00001774POL7203305F1607130<<<<<<<<<<<<<<08"];

  it("brings a number into its state's shape: Polish passports are two letters and seven digits", () => {
    // Zeros read as O: the check digit holds either way (O and 0 differ by 24, and 4+2+4 is 10).
    const misread = [POLISH[0]!, POLISH[1]!.replace("ZS0000177", "ZSO0OO177")];
    const repaired = repairMrz(misread, LAYOUTS.TD3);
    expect(repaired.lines).toEqual(POLISH);
    expect(repaired.doubtful).toEqual([]);
  });

  it("withholds a number whose check digit holds but that is in no shape its state issues", () => {
    // A British passport number is nine digits; X is no digit's look-alike.
    const lines = ["P<GBRSMITH<<JO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "1234X67891GBR7408122F3001019<<<<<<<<<<<<<<04"];
    const repaired = repairMrz(lines, LAYOUTS.TD3);
    expect(repaired.invalid).toEqual([]);
    expect(repaired.doubtful).toEqual(["documentNumber"]);
  });

  it("drops stray marks read past the names' fillers", () => {
    const stray = [TD3[0]!.slice(0, 35) + "K<<<<<I<I", TD3[1]!];
    expect(repairMrz(stray, LAYOUTS.TD3).lines).toEqual(TD3);
  });

  it("leaves numbers of states whose shapes are not known to their check digits alone", () => {
    expect(repairMrz(TD3, LAYOUTS.TD3)).toMatchObject({ lines: TD3, doubtful: [] });
  });

  it("repairs a state code one misread letter from exactly one state's, then uses its shapes", () => {
    const swedish = ["P<SNEERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<", "ZSO0OO1774SNE7203305M3607130<<<<<<<<<<<<<<00"];
    const repaired = repairMrz(swedish, LAYOUTS.TD3);
    expect(repaired.lines[0]!.slice(2, 5)).toBe("SWE");
    expect(repaired.lines[1]!.slice(10, 13)).toBe("SWE");
    // Sweden's numbers have no shape here: the number stays as read, its check digit holding.
    expect(repaired.lines[1]!.slice(0, 9)).toBe("ZSO0OO177");
  });
});

describe("bestReadout", () => {
  it("tells a Vietnamese passport (P<VNM) from a visa, whose first character is V", () => {
    const lines = ["P<VNMTRAN<<VAN<AN<<<<<<<<<<<<<<<<<<<<<<<<<<<", "L0644870<0VNM5804247M34081796142715800<<<<40"];
    const readout = bestReadout(lines.join("\n"))!;
    expect(readout.layout.format).toBe("TD3");
    expect(readout.lines).toEqual(lines);
  });

  it("finds the MRZ among other lines OCR saw, and tells TD3 from TD2 by line length", () => {
    const text = `UTOPIA PASSPORT OFFICE\n${TD3[0]}\n${TD3[1]}\n`;
    const readout = bestReadout(text)!;
    expect(readout.layout.format).toBe("TD3");
    expect(readout.lines).toEqual(TD3);
  });

  it("puts back a filler dropped from a run of fillers and drops a stray mark from a page's frame", () => {
    const text = `I${TD3[0]}\n${TD3[1]!.replace("<<<<<10", "<<<<10")}`;
    const readout = bestReadout(text)!;
    expect(readout.lines).toEqual(TD3);
    expect(readout.invalid).toEqual([]);
  });

  it("reads a visa's MRZ by the visa layout, which has no composite check digit", () => {
    const visa = ["VIUSATRAVELER<<HAPPYPERSON<<<<<<<<<<<<<<<<<<", "555123ABC6GBR6502056F0412236IFLND00AMS803085"];
    const readout = bestReadout(visa.join("\n"))!;
    expect(readout.layout.format).toBe("MRVA");
    expect(readout.invalid).toEqual([]);
  });

  it("returns nothing when no line is long enough to be an MRZ line", () => {
    expect(bestReadout("PASSPORT\nUTOPIA\n12 AUG 74")).toBeNull();
  });
});
