import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { runCli } from "../support/built-cli.js";
import { SUBMIT, createSession, lifecycle } from "../lifecycle/helpers.js";

/** The README's rule, written again from its text: what a third party would run on an export. */
function verifyExport(lines: string[]): { ok: true; count: number } | { ok: false; seq: number } {
  let previous = { seq: 0, hash: "0".repeat(64) };
  for (const line of lines) {
    const e = JSON.parse(line);
    const hash = createHash("sha256").update(JSON.stringify([e.prevHash, e.seq, e.id, e.integrationId, e.sessionId, e.type, e.actor, e.data, e.createdAt])).digest("hex");
    if (e.seq !== previous.seq + 1 || e.prevHash !== previous.hash || hash !== e.hash) return { ok: false, seq: e.seq };
    previous = { seq: e.seq, hash: e.hash };
  }
  return { ok: true, count: lines.length };
}

describe(`the audit trail's hash chain (${storeKind})`, { timeout: 180_000 }, () => {
  let server: TestServer;
  let erasedSession: string;
  const earthid = (...args: string[]) => runCli(args, server.env);
  const db = () => server.services.store.db;
  const sealedRows = () => db().selectFrom("audit_events").selectAll().where("seq", "is not", null).orderBy("seq").execute();

  beforeAll(async () => {
    server = await startTestServer();
    const shop = await server.integration();
    for (let i = 0; i < 4; i++) {
      const id = await createSession(shop, { vendorData: `user-${i}`, person: { firstName: "Mari", lastName: "Maasikas" } });
      expect((await lifecycle(shop).submit(id, SUBMIT)).status).toBe(200);
      erasedSession = id;
    }
    await server.services.lifecycle.decide({ sessionId: erasedSession, verdict: "declined", reasonCode: 102, reason: null, actor: { kind: "operator" } });
    // Erasing a session's data keeps its audit events: they hold no personal data.
    expect((await lifecycle(shop).remove(erasedSession)).status).toBe(200);
    await server.services.auditTrail.seal();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("an untouched chain verifies, and its export verifies by the README's rule alone", async () => {
    const verify = await earthid("audit", "verify");
    expect(verify.code, verify.stderr).toBe(0);
    const rows = await sealedRows();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(verify.stdout).toContain(`audit chain intact: ${rows.length} events`);
    expect(verify.stdout).toContain(rows.at(-1)!.hash!);

    const exported = await earthid("audit", "export");
    const lines = exported.stdout.trim().split("\n");
    expect(verifyExport(lines)).toEqual({ ok: true, count: rows.length });
    // From a sequence number: the first line links to the hash before it.
    const tail = (await earthid("audit", "export", "--since", "3")).stdout.trim().split("\n");
    expect(JSON.parse(tail[0]!).seq).toBe(3);
    expect(JSON.parse(tail[0]!).prevHash).toBe(JSON.parse(lines[1]!).hash);
    // A date after everything: nothing.
    expect((await earthid("audit", "export", "--since", "2999-01-01")).stdout).toBe("");
  });

  it("an erased session keeps its events, with nothing personal in them", async () => {
    const events = await db().selectFrom("audit_events").selectAll().where("session_id", "=", erasedSession).orderBy("seq").execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["session.submitted", "session.erased", "session.deleted"]));
    for (const event of events) expect(event.data).not.toMatch(/Mari|Maasikas|user-3/);
  });

  it("an edited event breaks the chain at that event, named by sequence number and id", async () => {
    const victim = (await sealedRows())[4]!;
    await db().updateTable("audit_events").set({ data: victim.data.replace(/}$/, ',"note":"x"}') }).where("id", "=", victim.id).execute();
    const verify = await earthid("audit", "verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`BROKEN at sequence ${victim.seq} (event ${victim.id}): edited`);
    await db().updateTable("audit_events").set({ data: victim.data }).where("id", "=", victim.id).execute();
    expect((await earthid("audit", "verify")).code).toBe(0);
  });

  it("a deleted event breaks the chain at the event after it", async () => {
    const rows = await sealedRows();
    const [victim, next] = [rows[2]!, rows[3]!];
    await db().deleteFrom("audit_events").where("id", "=", victim.id).execute();
    const verify = await earthid("audit", "verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`BROKEN at sequence ${next.seq} (event ${next.id}): missing: sequence number ${victim.seq} is missing`);
    await db().insertInto("audit_events").values(victim).execute();
    expect((await earthid("audit", "verify")).code).toBe(0);
  });

  it("two events swapped in the order break the chain at the first of them", async () => {
    const rows = await sealedRows();
    const [a, b] = [rows[5]!, rows[6]!];
    const renumber = (id: string, seq: number) => db().updateTable("audit_events").set({ seq }).where("id", "=", id).execute();
    await renumber(a.id, -1);
    await renumber(b.id, a.seq!);
    await renumber(a.id, b.seq!);
    const verify = await earthid("audit", "verify", "--json");
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).broken).toMatchObject({ seq: a.seq, id: b.id });
    await renumber(b.id, -1);
    await renumber(a.id, a.seq!);
    await renumber(b.id, b.seq!);
    expect((await earthid("audit", "verify")).code).toBe(0);
  });

  it("the running server seals new events by itself", async () => {
    const shop = await server.integration();
    const id = await createSession(shop);
    await lifecycle(shop).submit(id, SUBMIT);
    // The sealer runs every second: waiting for what it writes.
    const seq = await vi.waitFor(async () => {
      const row = await db().selectFrom("audit_events").select("seq").where("session_id", "=", id).where("type", "=", "session.submitted").executeTakeFirstOrThrow();
      if (row.seq === null) throw new Error("not sealed yet");
      return row.seq;
    }, { timeout: 10_000, interval: 50 });
    expect(seq).toBeGreaterThan(0);
  });
});
