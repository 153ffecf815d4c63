import { describe, expect, it } from "vitest";
import { mergeReadouts, withAgreedFillers } from "../../../src/engine/document/mrz-merge.js";
import { bestReadout, checkDigit, type MrzReadout } from "../../../src/engine/document/index.js";

/** A Slovenian specimen card's MRZ (100_id-si): optional data in line 1, covered by the composite only. */
const SI = ["I<SI<09999100180706966505468<<", "6606079F0807276SI<<<<<<<<<<<<0", "VZOREC<<TINA<<<<<<<<<<<<<<<<<<"];
const TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];

const readout = (lines: string[]): MrzReadout => bestReadout(lines.join("\n"))!;
const swapAt = (line: string, column: number, char: string) => line.slice(0, column) + char + line.slice(column + 1);
/** Tesseract's reading of 100_id-si in every cut: a 4 of the optional data read as 6. */
const misread = [swapAt(SI[0]!, 25, "6"), SI[1]!, SI[2]!];

describe("mergeReadouts", () => {
  it("takes optional data from the pass that read one character of it otherwise, when the composite then holds", () => {
    expect(readout(misread).invalid).toEqual(["composite"]);
    const merged = mergeReadouts([readout(misread), readout(misread), readout(SI)]);
    expect(merged?.lines).toEqual(SI);
    expect(merged?.invalid).toEqual([]);
  });

  it("does not turn a filler of the optional data into a letter, even where the composite would then hold", () => {
    // The letter at the optional data's last filler that makes the misread's composite hold by luck,
    // read by a pass that got the birth date wrong (so that it is not the best pass on its own).
    const letter = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"].find((l) => readout([swapAt(misread[0]!, 29, l), misread[1]!, misread[2]!]).invalid.length === 0)!;
    expect(letter).toBeDefined();
    const lucky = readout([swapAt(misread[0]!, 29, letter), swapAt(misread[1]!, 3, "8"), misread[2]!]);
    const merged = mergeReadouts([readout(misread), readout(misread), lucky]);
    expect(merged?.invalid).toEqual(["composite"]);
    expect(merged?.lines[0]).toBe(misread[0]);
  });

  it("counts no date read with a filler in it, though the arithmetic of its check digit holds", () => {
    const TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"];
    // 740812 read as 7<0812: the filler counts as 0, and 0 is what the check digit says.
    expect(checkDigit("7<0812")).toBe(0);
    const filler = readout([TD1[0]!, "7<08120F1204159UTO<<<<<<<<<<<6", TD1[2]!]);
    expect(filler.invalid).toEqual(["birthDate"]);
    const wrongDigit = readout([TD1[0]!, swapAt(TD1[1]!, 4, "3"), TD1[2]!]);
    expect(mergeReadouts([wrongDigit, filler])?.invalid).toContain("birthDate");
  });
});

describe("withAgreedFillers", () => {
  it("reads as fillers PaddleOCR's look-alikes where Tesseract's readouts saw fillers", () => {
    const tesseract = readout([TD3[0]!, swapAt(TD3[1]!, 18, "5")]);
    const paddle = readout([TD3[0]!, TD3[1]!.replace("B<<<<<10", "BC<4<K10")]);
    expect(paddle.invalid).toContain("personalNumber");
    const agreed = withAgreedFillers(paddle, [tesseract, tesseract]);
    expect(agreed.lines).toEqual(TD3);
    expect(agreed.invalid).toEqual([]);
  });

  it("keeps a look-alike where Tesseract's readouts saw a character, or disagree", () => {
    const paddle = readout([TD3[0]!, TD3[1]!.replace("B<<<<<10", "BC<<<<10")]);
    const sawC = readout([TD3[0]!, TD3[1]!.replace("B<<<<<10", "BC<<<<10")]);
    const sawFiller = readout(TD3);
    expect(withAgreedFillers(paddle, [sawC, sawFiller]).lines[1]).toBe(paddle.lines[1]);
    expect(withAgreedFillers(paddle, [sawC, sawC]).lines[1]).toBe(paddle.lines[1]);
  });
});

describe("bestReadout", () => {
  it("puts back the filler OCR dropped after a one-letter document code", () => {
    const dropped = TD3[0]!.slice(0, 1) + TD3[0]!.slice(2);
    expect(readout([dropped, TD3[1]!]).lines).toEqual(TD3);
  });
});
