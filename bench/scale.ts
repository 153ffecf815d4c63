/**
 * Cost as the store grows: every API endpoint, the back-office pages, a pass of each sweeper and the
 * dispatcher's claim, measured on an empty store and again once the same integration holds
 * BENCH_SESSIONS sessions (with attempts, decisions, media rows, deliveries and audit events in
 * realistic proportion, written in bulk by test/support/bulk-fill.ts), with the event loop's delay
 * (p99, max) over each run. Goal (issue 16): every figure within 1.5x of the empty store's, p99
 * under 20 ms. Also the bytes a session costs at rest, database and media.
 *
 * Like for like: the "empty" store is not quite empty. It holds BASELINE_SESSIONS (2,000) bulk-filled
 * sessions first, so that every list the bench reads shows a full page there too (100 sessions in
 * review for the back-office queue, 50 for the API's lists): otherwise the full store's figures
 * would include rendering 100 rows against the empty store's one. After the fill, PostgreSQL gets
 * VACUUM (ANALYZE) and SQLite `PRAGMA optimize`, as autovacuum and the service's hourly optimize
 * would have done on a store that grew over months (a bulk load leaves PostgreSQL with no
 * visibility map, no hint bits and no statistics). The plan test (test/store/plans.test.ts) is
 * the separate proof that every statement keeps an index plan with no statistics at all.
 *
 *   npm run bench:scale
 *
 * Knobs (env): BENCH_SESSIONS (1000000), BENCH_REPEAT (30 timed calls per figure, after 3 warm-up),
 * BENCH_STORES (sqlite,postgres), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres).
 * Requests are sequential, from this process, to the real server on loopback in this process: the
 * event loop measured is the server's. Figures are medians in milliseconds.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sql } from "kysely";
import { buildApp } from "../src/app/http.js";
import { loadConfig } from "../src/config.js";
import { composeServices } from "../src/app/compose.js";
import { apiClient } from "../test/support/client.js";
import { bulkFill } from "../test/support/bulk-fill.js";
import { makeJpeg } from "../test/media/images.js";
import { formClient, makeReviewer } from "../test/backoffice/support.js";
import type { TestServer } from "../test/support/server.js";
import { scratchDatabase } from "./targets.js";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 30);
const WARMUP = 3;
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",");
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DAY_MS = 86_400_000;
/** Sessions in the "empty" store: a full page of every list (1 in 20 bulk-filled sessions is in review; the queue shows 100). */
const BASELINE_SESSIONS = 2_000;

interface Figure {
  name: string;
  median: number;
}

interface Operation {
  name: string;
  /** Untimed set-up of one call (a fresh session to submit, delete, upload to). */
  prepare?: () => Promise<unknown>;
  run: (prepared: any) => Promise<unknown>;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function measure(operations: Operation[]): Promise<{ figures: Figure[]; loopP99: number; loopMax: number }> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const figures: Figure[] = [];
  for (const op of operations) {
    const times: number[] = [];
    for (let i = 0; i < WARMUP + REPEAT; i++) {
      const prepared = op.prepare ? await op.prepare() : undefined;
      const start = performance.now();
      await op.run(prepared);
      if (i >= WARMUP) times.push(performance.now() - start);
    }
    figures.push({ name: op.name, median: median(times) });
  }
  loop.disable();
  return { figures, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 };
}

function expectStatus<R extends { status: number; text: string }>(res: R, status: number, what: string): R {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 200)}`);
  return res;
}

async function storeBytes(services: Awaited<ReturnType<typeof composeServices>>, dataDir: string): Promise<number> {
  const { store } = services;
  if (store.kind === "postgres") {
    const row = await sql<{ bytes: string }>`select pg_database_size(current_database()) as bytes`.execute(store.db);
    return Number(row.rows[0]!.bytes);
  }
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
  return statSync(path.join(dataDir, "earthid.sqlite")).size;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

async function runStore(store: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "earthid-scale-"));
  const scratch = store === "postgres" ? await scratchDatabase(PG_ADMIN_URL, "earthid_scale") : undefined;
  const databaseUrl = scratch?.url ?? "";
  const dropDatabase = async () => scratch?.drop();
  const receiver = http.createServer((req, res) => req.resume().on("end", () => res.writeHead(200).end("ok")));
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hooks = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const dataDir = path.join(dir, "data");
  const config = loadConfig({
    ...process.env,
    EARTHID_DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    EARTHID_WEBHOOK_ALLOW_PRIVATE: "1",
    // The sweepers run when this bench says, so that they are timed alone.
    EARTHID_SWEEP_INTERVAL_SECONDS: "86400",
    EARTHID_DELETE_LIMIT_PER_HOUR: "0",
    EARTHID_DELETE_LIMIT_PER_DAY: "0",
    DATABASE_URL: databaseUrl,
  });
  const { app, services } = await buildApp(config, async (observers) => {
    const composed = composeServices(config, observers);
    await composed.store.migrate();
    return composed;
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const created = await services.integrations.createIntegration({ name: "scale", decisionWebhookUrl: `${hooks}/decision`, eventWebhookUrl: `${hooks}/event`, retentionDays: 365 });
    const api = apiClient(base, created.apiKey, created.sharedSecret);
    const server = { services, url: base } as unknown as TestServer;
    await makeReviewer(server, "scale@example.com", "reviewer");
    const desk = formClient(base);
    await desk.logIn("scale@example.com");
    const reviewer = await services.store.db.selectFrom("reviewers" as never).select("id" as never).executeTakeFirstOrThrow();
    const jpeg = await makeJpeg(1600, 1200);

    const newSession = async (vendorData = "fresh") => (expectStatus(await api.createSession({ vendorData, person: { firstName: "Mari", lastName: "Maasikas" } }), 201, "create")).body.verification.id as string;
    const uploadTo = async (id: string) =>
      expectStatus(await api.request("POST", `/earthid/api/sessions/${id}/media`, { body: { image: { context: "document-front", content: jpeg.toString("base64") } } }), 201, "upload").body.image;
    const signedGet = async (pathname: string, over: string, status = 200) => expectStatus(await api.request("GET", pathname, { signOver: over }), status, pathname);
    // Our extensions (session lists, GET /sessions/{id}, deliveries) take only the timestamped signature.
    const stampedGet = async (pathname: string) => expectStatus(await api.request("GET", pathname, { stamp: true }), 200, pathname);
    // One submitted session with media, in review: the reads of one session.
    const known = await newSession("bench-user");
    const image = await uploadTo(known);
    expectStatus(await api.request("PATCH", `/earthid/api/sessions/${known}`, { body: { verification: { status: "submitted" } } }), 200, "submit");
    // More than a page of 20, even on the empty store.
    for (let i = 0; i < 25; i++) await newSession();
    const delivery = (await services.webhooks.listDeliveries({ integrationId: created.id, sessionId: known }))[0]!;

    const fill = (count: number, progress?: (written: number) => void) =>
      bulkFill(services.store, { integrationId: created.id, reviewerId: (reviewer as { id: string }).id, count, chunk: 50_000, progress });
    // Older than everything the bench writes itself: bulk-filled sessions end now.
    await fill(BASELINE_SESSIONS);

    const mediaBefore = dirBytes(path.join(dataDir, "media"));
    const operations: Operation[] = [
      { name: "POST /sessions", run: () => newSession() },
      { name: "GET /sessions/{id}", run: () => stampedGet(`/earthid/api/sessions/${known}`) },
      { name: "GET /sessions?limit=50", run: () => stampedGet("/earthid/api/sessions?limit=50") },
      { name: "GET /sessions?status=created&limit=50", run: () => stampedGet("/earthid/api/sessions?status=created&limit=50") },
      { name: "GET /sessions?vendorData=…", run: () => stampedGet("/earthid/api/sessions?vendorData=bench-user") },
      {
        name: "GET /sessions?limit=20&cursor= (page 2)",
        prepare: async () => (await stampedGet("/earthid/api/sessions?limit=20")).body.nextCursor as string,
        run: (cursor: string) => stampedGet(`/earthid/api/sessions?limit=20&cursor=${cursor}`),
      },
      { name: "POST /sessions/{id}/media (1600x1200 JPEG)", prepare: () => newSession(), run: (id: string) => uploadTo(id) },
      {
        name: "PATCH /sessions/{id} (submit)",
        prepare: async () => {
          const id = await newSession();
          await uploadTo(id);
          return id;
        },
        run: async (id: string) => expectStatus(await api.request("PATCH", `/earthid/api/sessions/${id}`, { body: { verification: { status: "submitted" } } }), 200, "submit"),
      },
      { name: "GET /sessions/{id}/decision", run: () => signedGet(`/earthid/api/sessions/${known}/decision`, known) },
      { name: "GET /sessions/{id}/person", run: () => signedGet(`/earthid/api/sessions/${known}/person`, known) },
      { name: "GET /sessions/{id}/attempts", run: () => signedGet(`/earthid/api/sessions/${known}/attempts`, known) },
      { name: "GET /sessions/{id}/media", run: () => signedGet(`/earthid/api/sessions/${known}/media`, known) },
      { name: "GET /attempts/{id}/media", run: () => signedGet(`/earthid/api/attempts/${image.attemptId}/media`, image.attemptId) },
      { name: "GET /media/{id}", run: () => signedGet(`/earthid/api/media/${image.id}`, image.id) },
      {
        name: "DELETE /sessions/{id}",
        prepare: () => newSession(),
        run: async (id: string) => expectStatus(await api.request("DELETE", `/earthid/api/sessions/${id}`, { signOver: id }), 200, "delete"),
      },
      { name: "GET /webhooks/deliveries?limit=50", run: () => stampedGet("/earthid/api/webhooks/deliveries?limit=50") },
      { name: "GET /webhooks/deliveries?sessionId=", run: () => stampedGet(`/earthid/api/webhooks/deliveries?sessionId=${known}`) },
      { name: "POST /webhooks/deliveries/{id}/resend", run: async () => expectStatus(await api.request("POST", `/earthid/api/webhooks/deliveries/${delivery.id}/resend`, { body: {}, stamp: true }), 202, "resend") },
      { name: "back-office: queue (review)", run: () => desk.get("/admin/queue") },
      { name: "back-office: queue (created)", run: () => desk.get("/admin/queue?status=created") },
      { name: "back-office: queue (integration, created)", run: () => desk.get(`/admin/queue?status=created&integration=${created.id}`) },
      { name: "back-office: session page", run: () => desk.get(`/admin/sessions/${known}`) },
      { name: "expiry sweeper pass", run: () => services.lifecycle.sweepUnfinished(365 * DAY_MS) },
      { name: "retention sweeper pass", run: () => services.retention.sweep() },
      { name: "erased-webhook sweeper pass", run: () => services.webhooks.removeErasedDeliveries() },
      { name: "dispatcher claim (16)", run: () => services.deliveries.exchange([], { limit: 16, now: Date.now() - DAY_MS, claimedUntil: Date.now() }) },
    ];

    console.log(`${store}: measuring on the empty store…`);
    const empty = await measure(operations);
    const mediaPerUpload = (dirBytes(path.join(dataDir, "media")) - mediaBefore) / (2 * (WARMUP + REPEAT));

    const bytesBefore = await storeBytes(services, dataDir);
    const fillStart = performance.now();
    let reported = 0;
    const more = SESSIONS - BASELINE_SESSIONS;
    await fill(more, (written) => {
      if (written - reported >= 200_000 || written === more) {
        reported = written;
        console.log(`  filled ${written + BASELINE_SESSIONS} sessions (${Math.round((performance.now() - fillStart) / 1000)} s)`);
      }
    });
    const bytesPerSession = ((await storeBytes(services, dataDir)) - bytesBefore) / more;
    // What autovacuum (PostgreSQL) and the hourly PRAGMA optimize (SQLite) would have done by now.
    const settleStart = performance.now();
    await sql.raw(services.store.kind === "postgres" ? "vacuum (analyze)" : "pragma optimize").execute(services.store.db);
    console.log(`  ${services.store.kind === "postgres" ? "VACUUM (ANALYZE)" : "PRAGMA optimize"} after the fill (${Math.round((performance.now() - settleStart) / 1000)} s)`);

    // The client's kept-alive connections were closed by the server during the fill: the first use fails once.
    for (let i = 0; i < 3; i++) await fetch(`${base}/health`).catch(() => undefined);
    console.log(`${store}: measuring at ${SESSIONS} sessions…`);
    const full = await measure(operations);
    const rows = empty.figures.map((e, i) => {
      const f = full.figures[i]!;
      return `| ${e.name} | ${e.median.toFixed(2)} | ${f.median.toFixed(2)} | ${(f.median / e.median).toFixed(2)}× |`;
    });
    console.log(`\n### ${store}: ${BASELINE_SESSIONS.toLocaleString("en")} vs ${SESSIONS.toLocaleString("en")} sessions (median ms of ${REPEAT}, sequential)\n`);
    console.log(`| Operation | ${BASELINE_SESSIONS.toLocaleString("en")} | ${SESSIONS.toLocaleString("en")} | ratio |\n|---|---|---|---|`);
    console.log(rows.join("\n"));
    console.log(`| event loop delay p99 / max (ms) | ${empty.loopP99.toFixed(1)} / ${empty.loopMax.toFixed(1)} | ${full.loopP99.toFixed(1)} / ${full.loopMax.toFixed(1)} | |`);
    console.log(`\nat rest: ${Math.round(bytesPerSession)} bytes of database per session (all tables and indexes, filled in bulk); ${Math.round(mediaPerUpload)} bytes per sealed 1600x1200 JPEG of ${jpeg.length} bytes\n`);
  } finally {
    await app.close();
    await services.close();
    receiver.close();
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const store of STORES) await runStore(store);
