import { describe, expect, it } from "vitest";
import { newRowId } from "../../src/store/ids.js";
import { UUID_V7 as V7 } from "../support/client.js";

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
