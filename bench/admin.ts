/**
 * The back-office with 100,000 sessions in the store: GET /admin/queue and GET /admin/sessions/:id,
 * one request at a time as a reviewer makes them, p50 and p95, on SQLite and on PostgreSQL.
 *
 *   npx tsx bench/admin.ts       (BENCH_SESSIONS=100000, BENCH_REQUESTS=200, BENCH_STORES=sqlite,postgres,
 *                                 BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres)
 *
 * Sessions are written straight into the tables (a creation through the API costs more than this
 * measures), 2% of them waiting in review, spread over 30 days and 20 integrations.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { sql } from "kysely";
import { buildApp } from "../src/app/http.js";
import { loadConfig } from "../src/config.js";
import { openMigratedServices } from "../src/app/compose.js";
import { newRowId } from "../src/store/ids.js";
import type { SessionStatus } from "../src/store/schema.js";
import { reviewerAccountsFor } from "../src/backoffice/adapter.js";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",");
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function run(store: string): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-bench-admin-"));
  const dbName = `earthid_bench_${randomBytes(4).toString("hex")}`;
  const admin = store === "postgres" ? new pg.Client({ connectionString: PG_ADMIN_URL }) : undefined;
  let databaseUrl: string | undefined;
  if (admin) {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const config = loadConfig({ EARTHID_DATA_DIR: dataDir, LOG_LEVEL: "silent", PORT: "0", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const runtime = await openMigratedServices(config, { log: { warn() {}, error() {} } });
  try {
    const integrations = [];
    for (let i = 0; i < 20; i++) integrations.push(await runtime.integrations.createIntegration({ name: `shop ${i}` }));
    const start = Date.now() - 30 * 86_400_000;
    let inReview = "";
    for (let done = 0; done < SESSIONS; done += 1000) {
      const rows = [];
      for (let i = done; i < Math.min(SESSIONS, done + 1000); i++) {
        const at = start + Math.floor((i / SESSIONS) * 30 * 86_400_000);
        const review = i % 50 === 0;
        const id = newRowId(at);
        if (review && !inReview) inReview = id;
        rows.push({
          id, integration_id: integrations[i % 20]!.id, status: (review ? "review" : i % 3 === 0 ? "approved" : "declined") as SessionStatus, vendor_data: `cust-${i}`,
          end_user_id: null, callback_url: null, lang: null, init_data_sealed: null, token_iat: at, created_at: at, updated_at: at,
          current_attempt_id: newRowId(at), started_at: at, submitted_at: at + 60_000, decided_at: review ? null : at + 120_000, deleted_at: null, erased_at: null,
        });
      }
      await runtime.store.db.insertInto("sessions").values(rows).execute();
    }
    if (store === "postgres") await sql`analyze`.execute(runtime.store.db);
    const accounts = reviewerAccountsFor(runtime);
    await accounts.create({ email: "bench@example.com", role: "reviewer", password: "bench password long" });
    const { token } = await accounts.logIn("bench@example.com", "bench password long");
    const { app } = await buildApp(config, () => runtime);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const measure = async (label: string, url: string) => {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS + 20; i++) {
        const t0 = performance.now();
        const res = await fetch(base + url, { headers: { cookie: `earthid_admin=${token}` } });
        await res.text();
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
        if (i >= 20) times.push(performance.now() - t0); // the first 20 warm the caches
      }
      times.sort((a, b) => a - b);
      console.log(`${store.padEnd(8)} ${label.padEnd(28)} p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  (${REQUESTS} requests, ${SESSIONS} sessions)`);
    };
    await measure("queue (review, 100 oldest)", "/admin/queue");
    await measure("queue filtered (vendorData)", "/admin/queue?status=approved&vendorData=cust-99");
    await measure("session page", `/admin/sessions/${inReview}`);
    await app.close();
  } finally {
    await runtime.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
}

for (const store of STORES) await run(store);
