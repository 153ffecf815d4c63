import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Store, openStore } from "../../src/store/db.js";
import { migrationProvider } from "../../src/store/migrations.js";
import { auditTrail } from "../../src/audit/trail.js";
import { auditRepo } from "../../src/audit/repo.js";
import { storeKind } from "../support/server.js";
import { urlFor, withAdmin } from "../support/postgres.js";

/** A store with events written before the chain existed: migration 0010 chains them, oldest first. */
describe(`migration 0010 chains the audit events already there (${storeKind})`, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-audit-migration-"));
  const database = `earthid_m_${randomBytes(6).toString("hex")}`;
  let store: Store;

  beforeAll(async () => {
    if (storeKind === "postgres") await withAdmin((client) => client.query(`CREATE DATABASE ${database}`));
    store = openStore({ databaseUrl: storeKind === "postgres" ? urlFor(database) : undefined, dataDir });
  });
  afterAll(async () => {
    await store.close();
    if (storeKind === "postgres") await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("every earlier event gets a link, in the order they happened, and the chain verifies", async () => {
    const migrator = new Migrator({ db: store.db, provider: migrationProvider(storeKind), migrationTableName: "earthid_migrations", migrationLockTableName: "earthid_migrations_lock" });
    expect((await migrator.migrateTo("0006_backoffice_reviewers")).error).toBeUndefined();
    const old = [3000, 1000, 2000].map((at, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, integration_id: "i-1", session_id: null, type: "integration.updated", actor: "operator", data: `{"n":${i}}`, created_at: at }));
    // Written as the code before 0010 wrote them: no chain columns yet.
    await (store.db as any).insertInto("audit_events").values(old).execute();

    await store.migrate();
    const rows = await store.db.selectFrom("audit_events").select(["id", "seq", "created_at"]).orderBy("seq").execute();
    expect(rows.map((r) => [r.seq, r.created_at])).toEqual([[1, 1000], [2, 2000], [3, 3000]]);
    expect(await auditTrail(auditRepo(store.db, storeKind)).verify()).toMatchObject({ checked: 3, unsealed: 0, broken: undefined });
    // And events of no integration fit now.
    await auditRepo(store.db, storeKind).record(store.db, { integrationId: null, sessionId: null, actor: { kind: "system" }, at: 4000, event: { type: "webhook.resent", data: { deliveryId: "d" } } });
    expect(await auditTrail(auditRepo(store.db, storeKind)).seal()).toBe(1);
  });
});
