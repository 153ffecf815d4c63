import { chmodSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../../support/server.js";

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

/**
 * Issue 14, finding 4: the data directory is the operator's, but what the service writes into it
 * (the SQLite database and its -wal and -shm files, the master key, the token secret) is readable by
 * the service's own user only, whatever the umask says.
 */
describe(`files at rest are the service user's only (${storeKind})`, () => {
  let server: TestServer;
  let dataDir: string;
  let umask: number;
  beforeAll(async () => {
    umask = process.umask(0o022);
    server = await startTestServer();
    dataDir = server.env.EARTHID_DATA_DIR!;
    // Something written, so that the WAL and its index exist.
    await server.services.integrations.createIntegration({ name: "modes" });
  });
  afterAll(async () => {
    process.umask(umask);
    await server.close();
  });

  it("creates the keys and, on SQLite, the database, -wal and -shm with mode 0600", () => {
    const expected = ["master.key", "token.key", ...(storeKind === "sqlite" ? ["earthid.sqlite", "earthid.sqlite-wal", "earthid.sqlite-shm"] : [])];
    const present = readdirSync(dataDir);
    for (const name of expected) {
      expect(present, name).toContain(name);
      expect(modeOf(path.join(dataDir, name)), name).toBe("600");
    }
  });

  it("creates a data directory that does not exist with mode 0700, and narrows a database file left readable", async () => {
    const { composeServices } = await import("../../../src/app/compose.js");
    const { loadConfig } = await import("../../../src/config.js");
    const fresh = path.join(dataDir, "nested", "data");
    const services = composeServices(loadConfig({ ...server.env, EARTHID_DATA_DIR: fresh }), { log: { warn() {}, error() {} } });
    await services.close();
    expect(modeOf(fresh)).toBe("700");
    expect(modeOf(path.join(fresh, "master.key"))).toBe("600");
    if (storeKind !== "sqlite") return;
    const old = path.join(fresh, "earthid.sqlite");
    chmodSync(old, 0o644);
    const again = composeServices(loadConfig({ ...server.env, EARTHID_DATA_DIR: fresh }), { log: { warn() {}, error() {} } });
    await again.close();
    expect(modeOf(old)).toBe("600");
  });
});
