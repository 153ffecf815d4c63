import { describe, expect, it } from "vitest";
import { bestReadout } from "../../../src/engine/document/index.js";
import { isConfident, mergeNames, readNames, withNames } from "../../../src/engine/document/mrz-names.js";

const LINES = ["P<AUTNEISS<<HANS<PETER<<<<<<<<<<<<<<<<<<<<<<", "Z7644905<6AUT5503229M350129822969418134<<<72"];
const sure = (core: string, at: Record<number, number> = {}) => ({ core, confidences: [...core].map((_, i) => at[i] ?? 95) });

describe("the names' second opinion", () => {
  it("finds the names among what OCR saw, with each letter's confidence", () => {
    const readout = bestReadout(LINES.join("\n"))!;
    const chars = LINES[0]!;
    const names = readNames(readout, { text: LINES.join("\n"), lines: [{ chars, confidences: [...chars].map((_, i) => (i === 5 ? 76 : 94)) }] })!;
    expect(names.core).toBe("NEISS<<HANS<PETER");
    expect(names.confidences[0]).toBe(76);
    expect(isConfident(names)).toBe(false);
  });

  it("takes W over N and M over H where two reads disagree: the engine loses strokes, it does not add them", () => {
    expect(mergeNames(sure("NEISS<<HANS", { 0: 76 }), sure("WEISS<<HANS", { 0: 76 }))).toBe("WEISS<<HANS");
    expect(mergeNames(sure("MOHAMMED"), sure("HOHAMMED", { 0: 99 }))).toBe("MOHAMMED");
  });

  it("otherwise takes each letter from the surer read, or the surer read whole when they do not line up", () => {
    expect(mergeNames(sure("OUO", { 0: 60 }), sure("QUO", { 0: 85 }))).toBe("QUO");
    expect(mergeNames(sure("IVIACDONALD<<CHRIS", { 1: 70 }), sure("MACDONALD<<CHRIS"))).toBe("MACDONALD<<CHRIS");
  });

  it("writes the merged names back, padded with fillers", () => {
    const readout = withNames(bestReadout(LINES.join("\n"))!, "WEISS<<HANS<PETER");
    expect(readout.lines[0]).toBe("P<AUTWEISS<<HANS<PETER<<<<<<<<<<<<<<<<<<<<<<");
  });
});
