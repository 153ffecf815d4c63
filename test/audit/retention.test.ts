import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { runCli } from "../support/built-cli.js";
import { SUBMIT, createSession, lifecycle } from "../lifecycle/helpers.js";

const DAY = 86_400_000;

/** The README's rule for an export that starts at an anchor, written again from its text. */
function verifyExport(lines: string[]): { ok: true; count: number; from: number } | { ok: false; seq: number } {
  const [first, ...rest] = lines.map((line) => JSON.parse(line));
  let previous = first.anchor ? { seq: first.anchor.seq, hash: first.anchor.hash } : { seq: 0, hash: "0".repeat(64) };
  const from = previous.seq;
  const events = first.anchor ? rest : [first, ...rest];
  for (const e of events) {
    const hash = createHash("sha256").update(JSON.stringify([e.prevHash, e.seq, e.id, e.integrationId, e.sessionId, e.type, e.actor, e.data, e.createdAt])).digest("hex");
    if (e.seq !== previous.seq + 1 || e.prevHash !== previous.hash || hash !== e.hash) return { ok: false, seq: e.seq };
    previous = { seq: e.seq, hash: e.hash };
  }
  return { ok: true, count: events.length, from };
}

describe(`audit retention: the chain's old end deleted, the rest still verifiable (${storeKind})`, { timeout: 180_000 }, () => {
  let server: TestServer;
  const earthid = (...args: string[]) => runCli(args, server.env);
  const db = () => server.services.store.db;
  const sealedRows = () => db().selectFrom("audit_events").selectAll().where("seq", "is not", null).orderBy("seq").execute();
  let pruned: Awaited<ReturnType<typeof sealedRows>>;

  beforeAll(async () => {
    server = await startTestServer({ EARTHID_AUDIT_RETENTION_DAYS: "30" });
    const shop = await server.integration();
    for (let i = 0; i < 4; i++) {
      const id = await createSession(shop, { person: { firstName: "Mari", lastName: "Maasikas" } });
      expect((await lifecycle(shop).submit(id, SUBMIT)).status).toBe(200);
    }
    await server.services.auditTrail.seal();
    // The first six events happened 40 days ago, as in a store of that age.
    const rows = await sealedRows();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    pruned = rows.slice(0, 6);
    await db().updateTable("audit_events").set({ created_at: Date.now() - 40 * DAY }).where("seq", "<=", 6).where("seq", ">=", 1).execute();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("the retention sweep deletes the events older than EARTHID_AUDIT_RETENTION_DAYS, and records the last one as the anchor", async () => {
    expect(await server.services.retention.purgeAuditEvents()).toBe(6);
    expect((await sealedRows())[0]!.seq).toBe(7);
    const anchor = await db().selectFrom("audit_anchor").selectAll().executeTakeFirstOrThrow();
    expect({ seq: Number(anchor.seq), hash: anchor.hash }).toEqual({ seq: 6, hash: pruned[5]!.hash });
    // A second pass finds nothing older.
    expect(await server.services.retention.purgeAuditEvents()).toBe(0);
  });

  it("verify walks the kept chain from the anchor, and the export starts with it so that a third party can check it", async () => {
    const verify = await earthid("audit", "verify");
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`audit chain intact: \\d+ events after the anchor \\(sequence 6, hash ${pruned[5]!.hash}`));
    const lines = (await earthid("audit", "export")).stdout.trim().split("\n");
    expect(JSON.parse(lines[0]!)).toEqual({ anchor: { seq: 6, hash: pruned[5]!.hash, createdAt: expect.any(Number) } });
    expect(verifyExport(lines)).toEqual({ ok: true, count: lines.length - 1, from: 6 });
    // --since before the anchor starts at the anchor; after it, at that event, with no anchor line.
    expect(JSON.parse((await earthid("audit", "export", "--since", "2")).stdout.split("\n")[0]!)).toHaveProperty("anchor");
    expect(JSON.parse((await earthid("audit", "export", "--since", "8")).stdout.split("\n")[0]!).seq).toBe(8);
  });

  it("an edited kept event still breaks the chain", async () => {
    const victim = (await sealedRows())[2]!;
    await db().updateTable("audit_events").set({ actor: "someone else" }).where("id", "=", victim.id).execute();
    const verify = await earthid("audit", "verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`BROKEN at sequence ${victim.seq} (event ${victim.id}): edited`);
    await db().updateTable("audit_events").set({ actor: victim.actor }).where("id", "=", victim.id).execute();
    expect((await earthid("audit", "verify")).code).toBe(0);
  });

  it("an edited anchor breaks the chain at the first kept event", async () => {
    const first = (await sealedRows())[0]!;
    const anchor = await db().selectFrom("audit_anchor").selectAll().executeTakeFirstOrThrow();
    await db().updateTable("audit_anchor").set({ hash: "f".repeat(64) }).execute();
    let verify = await earthid("audit", "verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`BROKEN at sequence ${first.seq} (event ${first.id}): relinked`);
    // An anchor moved back (to hide a deleted stretch, or pretend less was deleted) breaks it too.
    await db().updateTable("audit_anchor").set({ hash: anchor.hash, seq: 4 }).execute();
    verify = await earthid("audit", "verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`BROKEN at sequence ${first.seq} (event ${first.id}): missing`);
    await db().updateTable("audit_anchor").set({ seq: anchor.seq }).execute();
    expect((await earthid("audit", "verify")).code).toBe(0);
  });

  it("EARTHID_AUDIT_RETENTION_DAYS defaults to 0 (kept forever) and refuses what is not a number of days", () => {
    expect(loadConfig({}).auditRetentionDays).toBe(0);
    expect(() => loadConfig({ EARTHID_AUDIT_RETENTION_DAYS: "-1" })).toThrow(/EARTHID_AUDIT_RETENTION_DAYS/);
    expect(() => loadConfig({ EARTHID_AUDIT_RETENTION_DAYS: "a year" })).toThrow(/EARTHID_AUDIT_RETENTION_DAYS/);
  });
});
