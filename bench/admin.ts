/**
 * The back-office with 100,000 sessions in the store: GET /admin/queue and GET /admin/sessions/:id,
 * one request at a time as a reviewer makes them, p50 and p95, on SQLite and on PostgreSQL.
 *
 *   npx tsx bench/admin.ts       (BENCH_SESSIONS=100000, BENCH_REQUESTS=200, BENCH_STORES=sqlite,postgres,
 *                                 BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres)
 *
 * Sessions are written straight into the tables by test/support/bulk-fill.ts (a creation through the
 * API costs more than this measures), sealed as the service seals them (data keys, vendorData, init data), with
 * their attempts, decisions, media rows, deliveries and audit events, over 90 days and 20
 * integrations; 1 in 20 waits in review. The session page is one created, given its images and
 * submitted through the API, so that the page opens its sealed data and lists real media.
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
import { reviewerAccountsFor } from "../src/backoffice/adapter.js";
import { reviewByPerson } from "../src/verification/assess-job.js";
import { bulkFill } from "../test/support/bulk-fill.js";
import { apiClient } from "../test/support/client.js";
import { sessionInReview } from "../test/backoffice/support.js";
import { passportJpeg } from "../test/media/images.js";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",");
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const INTEGRATIONS = 20;

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
  // A person decides what is submitted: the bench measures pages, not the engine.
  const runtime = await openMigratedServices(config, { log: { warn() {}, error() {} } }, { assessment: reviewByPerson });
  try {
    const accounts = reviewerAccountsFor(runtime);
    const { reviewer } = await accounts.create({ email: "bench@example.com", role: "reviewer", password: "bench password long" });
    const started = performance.now();
    for (let i = 0; i < INTEGRATIONS; i++) {
      const { id } = await runtime.integrations.createIntegration({ name: `shop ${i}` });
      await bulkFill(runtime.store, { integrationId: id, reviewerId: reviewer.id, count: Math.ceil(SESSIONS / INTEGRATIONS), sealedWith: runtime.masterKey });
    }
    const filled = ((performance.now() - started) / 1000).toFixed(0);
    if (store === "postgres") await sql`analyze`.execute(runtime.store.db);

    const { app } = await buildApp(config, () => runtime);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const shop = await runtime.integrations.createIntegration({ name: "the case" });
    const caseId = await sessionInReview(
      { services: runtime },
      { ...shop, api: apiClient(base, shop.apiKey, shop.sharedSecret) },
      "the-case",
      { image: passportJpeg() },
    );
    const { token } = await accounts.logIn("bench@example.com", "bench password long");
    /** `shows`: text the page must hold at least `atLeast` times (the page measured is the one meant, not an empty one). */
    const measure = async (label: string, url: string, shows: string, atLeast = 1) => {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS + 20; i++) {
        const t0 = performance.now();
        const res = await fetch(base + url, { headers: { cookie: `earthid_admin=${token}` } });
        const body = await res.text();
        const found = body.split(shows).length - 1;
        if (res.status !== 200 || found < atLeast) throw new Error(`${url}: ${res.status}, "${shows}" ${found} times`);
        if (i >= 20) times.push(performance.now() - t0); // the first 20 warm the caches
      }
      times.sort((a, b) => a - b);
      console.log(`${store.padEnd(8)} ${label.padEnd(30)} p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  (${REQUESTS} requests, ${SESSIONS} sessions, filled in ${filled} s)`);
    };
    await measure("queue (review, 100 oldest)", "/admin/queue", "user-");
    // user-100: sessions 300 to 302 of each integration, all approved (60 in all); the filter's own field says it once.
    await measure("queue filtered (vendorData)", "/admin/queue?status=approved&vendorData=user-100", "user-100", 61);
    await measure("session page", `/admin/sessions/${caseId}`, "the-case");
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
