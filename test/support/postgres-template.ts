import { openStore } from "../../src/store/db.js";
import { templateName, urlFor, withAdmin } from "./postgres.js";

/** Vitest global setup of the postgres project: build the migrated template database once. */
export default async function setup(): Promise<void> {
  const exists = await withAdmin(async (client) => (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [templateName])).rowCount);
  if (exists) return;
  const building = `${templateName}_build_${process.pid}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${building}`));
  const store = openStore({ databaseUrl: urlFor(building), dataDir: "/nonexistent" });
  await store.migrate();
  await store.close();
  await withAdmin(async (client) => {
    try {
      await client.query(`ALTER DATABASE ${building} RENAME TO ${templateName}`);
    } catch (error) {
      // Another run built it first.
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      if (!/already exists/.test((error as Error).message)) throw error;
    }
  });
}
