import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { readFileSync } from "node:fs";

/** The server tests create their databases on: CI's PostgreSQL (trust auth, database `test`). */
export const adminUrl = process.env.EARTHID_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The template carries the migrated schema; its name changes whenever the migrations' text does. */
const migrationsText = readFileSync(new URL("../../src/store/migrations.ts", import.meta.url));
export const templateName = `earthid_tpl_${createHash("sha256").update(migrationsText).digest("hex").slice(0, 12)}`;

export function urlFor(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template (fast: a file copy inside PostgreSQL). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `earthid_t_${randomBytes(6).toString("hex")}`;
  await withAdmin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
        return;
      } catch (error) {
        // Two clones starting at the same instant can briefly see each other on the template.
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  return {
    url: urlFor(name),
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
