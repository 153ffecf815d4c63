import type SqliteDatabase from "better-sqlite3";

const HOUR_MS = 3_600_000;

/**
 * SQLite's query planner statistics, kept as SQLite's documentation recommends for long-lived
 * connections (sqlite.org/pragma.html#pragma_optimize): `optimize=0x10002` when the connection
 * opens (every table checked, not only those queried), `optimize` once an hour, and once more at
 * close. Each run analyses only tables that changed enough, on a sample (SQLite limits the work
 * itself since 3.46), so it holds the event loop for milliseconds. The indexes of migration 0011 do
 * not depend on it (test/store/plans.test.ts checks plans with no statistics at all); it keeps the
 * planner's choice among them good as the data's shape drifts.
 */
export function startOptimizer(sqlite: SqliteDatabase.Database): { close(): void } {
  sqlite.pragma("optimize = 0x10002");
  const timer = setInterval(() => sqlite.pragma("optimize"), HOUR_MS);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      if (sqlite.open) sqlite.pragma("optimize");
    },
  };
}
