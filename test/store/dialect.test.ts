import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import path from "node:path";
import pg from "pg";
import { type Store, openStore } from "../../src/store/db.js";
import { reusableStatements } from "../../src/store/statement-texts.js";
import { testEnvironment, storeKind } from "../support/server.js";

/** What the repositories ask of the store's dialect, as they would notice it, on each store. */
describe(`the store's dialect (${storeKind})`, () => {
  let store: Store;
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  const integration = { id: "i-1", name: "dialect", api_key: "k-1", secret_sealed: "s", callback_url: null, decision_webhook_url: null, event_webhook_url: null, is_test: 0, active: 1, retention_days: null, frame_ancestors: null, strict_signatures: 0, created_at: 0, updated_at: 0 };
  const session = (id: string) => ({ id, integration_id: "i-1", status: "created" as const, vendor_data: null, end_user_id: null, callback_url: null, lang: null, init_data_sealed: null, token_iat: 0, created_at: 1, updated_at: 1, current_attempt_id: null, started_at: null, submitted_at: null, decided_at: null, deleted_at: null, erased_at: null });

  beforeAll(async () => {
    environment = await testEnvironment();
    store = openStore({ databaseUrl: environment.env.DATABASE_URL, dataDir: environment.dataDir });
    await store.migrate();
    await store.db.insertInto("integrations").values(integration).execute();
  });
  afterAll(async () => {
    await store.close();
    await environment.cleanup();
  });

  it("inserts rows of two tables together, and neither when the second fails", async () => {
    const statement = reusableStatements();
    const { dialect, db } = store;
    await dialect.insertTogether(db, statement, "1", { table: "sessions", rows: [session("s-1")] }, { table: "session_keys", rows: [{ session_id: "s-1", key_sealed: "k" }] });
    expect(await db.selectFrom("session_keys").select("session_id").where("session_id", "=", "s-1").execute()).toEqual([{ session_id: "s-1" }]);
    // A duplicate key in the second table: the new session must not be left without its key.
    await expect(
      dialect.insertTogether(db, statement, "1", { table: "sessions", rows: [session("s-2")] }, { table: "session_keys", rows: [{ session_id: "s-1", key_sealed: "k" }] }),
    ).rejects.toThrow();
    expect(await db.selectFrom("sessions").select("id").where("id", "=", "s-2").execute()).toEqual([]);
  });

  it("holds a row read for change until its transaction ends: a second change waits and sees the first", async () => {
    const { dialect, db } = store;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = db.transaction().execute(async (trx) => {
      const row = await dialect.lockForChange(trx.selectFrom("sessions").select("updated_at").where("id", "=", "s-1")).executeTakeFirstOrThrow();
      await held;
      await trx.updateTable("sessions").set({ updated_at: row.updated_at + 1 }).where("id", "=", "s-1").execute();
    });
    const second = db.transaction().execute(async (trx) => {
      const row = await dialect.lockForChange(trx.selectFrom("sessions").select("updated_at").where("id", "=", "s-1")).executeTakeFirstOrThrow();
      await trx.updateTable("sessions").set({ updated_at: row.updated_at + 1 }).where("id", "=", "s-1").execute();
    });
    // Give the second every chance to overtake the first before the first may go on.
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, second]);
    // Two read-then-write increments, one after the other: none lost.
    expect((await db.selectFrom("sessions").select("updated_at").where("id", "=", "s-1").executeTakeFirstOrThrow()).updated_at).toBe(3);
  });

  it("serialises transactions that name the same key", async () => {
    const { dialect, db } = store;
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const firstHolds = new Promise<void>((resolve) => (holding = resolve));
    const first = db.transaction().execute(async (trx) => {
      await dialect.serialiseOn(trx, "dialect-test");
      order.push("first in");
      holding();
      await held;
      order.push("first out");
    });
    await firstHolds;
    const second = db.transaction().execute(async (trx) => {
      await dialect.serialiseOn(trx, "dialect-test");
      order.push("second in");
    });
    // PostgreSQL: the second is seen waiting for the lock before the first may go on. SQLite: its one
    // connection is the first's until that transaction ends, so the second cannot even begin.
    if (storeKind === "postgres") await waitForLockWaiter(String(environment.env.DATABASE_URL));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first in", "first out", "second in"]);
  });

  it.runIf(storeKind === "sqlite")("keeps SQLite's planner statistics: PRAGMA optimize has analysed the sessions at close", async () => {
    const other = openStore({ databaseUrl: undefined, dataDir: path.join(environment.dataDir, "optimize") });
    await other.migrate();
    await other.db.insertInto("integrations").values(integration).execute();
    for (let i = 0; i < 500; i++) await other.db.insertInto("sessions").values({ ...session(`o-${i}`), created_at: i }).execute();
    await other.db.selectFrom("sessions").selectAll().where("integration_id", "=", "i-1").orderBy("created_at", "desc").limit(5).execute();
    await other.close();
    const sqlite = new Database(path.join(environment.dataDir, "optimize", "earthid.sqlite"), { readonly: true });
    const analysed = sqlite.prepare("select tbl from sqlite_stat1 where tbl = 'sessions'").all();
    sqlite.close();
    expect(analysed.length).toBeGreaterThan(0);
  });
});

/** Resolves once a session of the database waits for an advisory lock. */
async function waitForLockWaiter(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const waiting = await client.query("select 1 from pg_locks where locktype = 'advisory' and not granted");
      if (waiting.rowCount) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await client.end();
  }
}
