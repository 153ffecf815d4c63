import { describe, expect, it } from "vitest";
import { similarity } from "../../../src/engine/face/similarity.js";

describe("face similarity", () => {
  it("is 1 for the same descriptor, whatever its length, and 0 for unrelated ones", () => {
    expect(similarity([0.2, 0.4, 0], [0.2, 0.4, 0])).toBeCloseTo(1, 10);
    expect(similarity([0.2, 0.4, 0], [2, 4, 0])).toBeCloseTo(1, 10);
    expect(similarity([1, 0], [0, 1])).toBe(0);
  });

  it("is the cosine between the two, never below 0", () => {
    expect(similarity([1, 0], [0.6, 0.8])).toBeCloseTo(0.6, 10);
    expect(similarity([1, 0], [-1, 0.1])).toBe(0);
    expect(similarity([0, 0], [1, 0])).toBe(0);
  });

  it("refuses descriptors of different models", () => {
    expect(() => similarity([1, 0, 0], [1, 0])).toThrow(/differ in length/);
  });
});
