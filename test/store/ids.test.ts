import { describe, expect, it } from "vitest";
import { newRowId } from "../../src/store/ids.js";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("row ids", () => {
  it("are RFC 9562 version 7 UUIDs carrying the millisecond they were made", () => {
    const at = Date.UTC(2026, 10, 27, 12, 0, 0, 123);
    const id = newRowId(at);
    expect(id).toMatch(V7);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
  });

  it("sort in the order they were made across milliseconds, and never repeat", () => {
    const start = Date.now();
    const ids = Array.from({ length: 20_000 }, (_, i) => newRowId(start + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100) expect(ids[i - 1]! < ids[i]!).toBe(true);
    expect(ids.every((id) => V7.test(id))).toBe(true);
  });
});
