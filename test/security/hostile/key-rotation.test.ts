import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../../support/server.js";
import { builtCli, runCli } from "../../support/built-cli.js";
import { lifecycle } from "../../lifecycle/helpers.js";
import { sealedKeyId } from "../../../src/crypto/sealing.js";

/**
 * Issue 14, finding 4: a backup taken before DELETE held the session's data key sealed under the
 * master key. `earthid keys rotate` re-seals everything under a new master key while the server runs;
 * once the backup retention has passed, the old key is destroyed and such a backup is noise.
 */
describe(`earthid keys rotate and prune, against a running server (${storeKind})`, { timeout: 120_000 }, () => {
  let server: TestServer;
  let shop: TestIntegration;
  const earthid = (env: Record<string, string>, ...args: string[]) => runCli(args, { ...server.env, ...env });

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), builtCli()]);
    shop = await server.integration({ name: "shop", isTest: true });
  });
  afterAll(() => server.close());

  it("re-seals every data key and secret under a new key, keeps the old one for the retention, then destroys it", async () => {
    const id = (await shop.api.createSession({ vendorData: "rotated-user", person: { firstName: "Approve" } })).body.verification.id as string;
    const db = server.services.store.db;
    const keyOf = async () => (await db.selectFrom("session_keys").select("key_sealed").where("session_id", "=", id).executeTakeFirstOrThrow()).key_sealed;
    const before = sealedKeyId(await keyOf());

    const rotated = await earthid({}, "keys", "rotate", "--json");
    expect(rotated.code, rotated.stderr).toBe(0);
    const report = JSON.parse(rotated.stdout);
    expect(report.newKey).toBe(true);
    expect(report.current).not.toBe(before);
    expect(report.resealed["session_keys.key_sealed"]).toBeGreaterThanOrEqual(1);
    expect(report.resealed["integrations.secret_sealed"]).toBeGreaterThanOrEqual(1);
    expect(report.kept).toEqual([{ id: before, destroyAfter: expect.any(String) }]);
    expect(sealedKeyId(await keyOf())).toBe(report.current);

    // The running server, which loaded the old key, goes on: key, signature, vendorData filter, person.
    expect((await shop.api.getSession(id)).body.verification.vendorData).toBe("rotated-user");
    expect((await lifecycle(shop).list("vendorData=rotated-user")).body.verifications.map((s: { id: string }) => s.id)).toEqual([id]);
    expect((await lifecycle(shop).person(id)).body.person.firstName).toBe("Approve");
    const later = (await shop.api.createSession({ vendorData: "after-rotation" })).body.verification.id as string;

    // Within the retention the old key stays; past it prune re-seals stragglers and destroys it.
    const kept = await earthid({}, "keys", "prune", "--json");
    expect(JSON.parse(kept.stdout).destroyed).toEqual([]);
    const pruned = await earthid({ EARTHID_BACKUP_RETENTION_DAYS: "0" }, "keys", "prune", "--json");
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout).destroyed).toEqual([before]);
    const retiredDir = path.join(server.env.EARTHID_DATA_DIR!, "master-keys");
    expect(existsSync(retiredDir) ? readdirSync(retiredDir).filter((name) => name.endsWith(".json")) : []).toEqual([]);
    expect((await shop.api.getSession(later)).body.verification.vendorData).toBe("after-rotation");
    expect((await shop.api.getSession(id)).status).toBe(200);
  });
});
