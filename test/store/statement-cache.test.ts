import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "../../src/store/db.js";

describe("the SQLite statement cache", () => {
  const sqlite = new Database(":memory:");

  it("keeps a statement in use while hundreds of one-off texts (batch sizes) pass through, and lets cold ones go", () => {
    const cache = withStatementCache(sqlite);
    const hot = cache.prepare("select 1 as one");
    const cold = cache.prepare("select 2 as two");
    for (let i = 0; i < 2_000; i++) {
      cache.prepare(`select ${i + 10} as n`);
      if (i % 50 === 0) expect(cache.prepare("select 1 as one")).toBe(hot);
    }
    expect(cache.prepare("select 1 as one")).toBe(hot);
    expect(cache.prepare("select 2 as two")).not.toBe(cold);
  });
});
