/**
 * POST /earthid/api/sessions against the real server and against a bare Fastify route, alternating,
 * in one run: throughput, p99 latency and the ratio real/bare, on SQLite and then on PostgreSQL.
 *
 *   npm run build && npx tsx bench/create-session.ts      (or: npm run bench:create, which builds)
 *
 * It measures what `npm run build` left in dist/ and builds nothing itself. Knobs (env):
 * BENCH_ROUNDS (3), BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (3), BENCH_STORES (sqlite,postgres),
 * BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_LOG_LEVEL (unset: the server's
 * default, info), BENCH_BASELINE (another built checkout, e.g. a `git worktree` of an older commit,
 * run as a third contender "base" in the same rotation: an A/B that the machine's noise hits alike),
 * BENCH_FLOOR=1 (one more contender, "floor": bench/floor-server.mjs, the bare route plus only the
 * duties the API puts on every response, with no handler behind them; FLOOR_DUTIES picks some of
 * key,sign,headers,log,metrics to price them one by one).
 *
 * Fairness: the real server runs `node bin/earthid.js serve` with its default settings on a fresh
 * data directory (or a fresh PostgreSQL database). The bare server is bench/bare-server.mjs: the same
 * Fastify, no logger, Fastify's own JSON parser, a canned 201 of the real response's byte size. Both
 * write their output to files in the temporary directory, not through this process, which runs the
 * load generator (autocannon, 32 connections, the seed's sample body).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";
import { BODY, type Target, createIntegration, root, startBareServer, startFloorServer, startRealServer } from "./targets.js";

const CONNECTIONS = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",") as Store[];
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || undefined;
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;
const FLOOR = process.env.BENCH_FLOOR === "1";

type Store = "sqlite" | "postgres";


interface Round {
  rps: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Server CPU time per request answered, in microseconds: steadier than req/s on a busy machine. */
  cpuPerRequest: number;
  /** The same for the server's main thread alone (the event loop). */
  mainCpuPerRequest: number;
}

/** One server under load: its process, the API key it accepts, and its store. */
interface Contender {
  target: Target;
  apiKey: string;
  /** Sessions committed so far (real servers only). */
  countSessions?: () => Promise<number>;
  rounds: Round[];
}

async function load(contender: Contender, seconds: number): Promise<Round> {
  const { target, apiKey } = contender;
  const cpuBefore = target.cpuMicros();
  const r = await autocannon({
    url: `${target.url}/earthid/api/sessions`,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", "x-auth-client": apiKey },
    body: BODY,
  });
  const cpuAfter = target.cpuMicros();
  const requests = Math.max(1, r.requests.total);
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    ok: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    cpuPerRequest: (cpuAfter.process - cpuBefore.process) / requests,
    mainCpuPerRequest: (cpuAfter.main - cpuBefore.main) / requests,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function summary(rounds: Round[]): Round {
  return {
    rps: median(rounds.map((r) => r.rps)),
    p99: median(rounds.map((r) => r.p99)),
    ok: rounds.reduce((n, r) => n + r.ok, 0),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    cpuPerRequest: median(rounds.map((r) => r.cpuPerRequest)),
    mainCpuPerRequest: median(rounds.map((r) => r.mainCpuPerRequest)),
  };
}

const fmt = (r: Round) =>
  `${Math.round(r.rps).toString().padStart(7)} req/s   p99 ${r.p99.toFixed(1).padStart(6)} ms   non-2xx ${r.non2xx}   errors ${r.errors}   server CPU ${r.cpuPerRequest.toFixed(0).padStart(4)} µs/req (main thread ${r.mainCpuPerRequest.toFixed(0).padStart(4)})`;

function warnIfStale(): void {
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)));
  let built = 0;
  try {
    built = newest(path.join(root, "dist"));
  } catch {
    throw new Error("dist/ is missing: run `npm run build` first (the benchmark measures the built server and builds nothing itself)");
  }
  if (newest(path.join(root, "src")) > built) console.log("warning: src/ is newer than dist/: you are measuring an old build (run `npm run build`)");
}

/** A fresh store for one real server: a data directory and, on PostgreSQL, a database dropped after. */
async function freshStore(store: Store, cleanups: (() => Promise<void>)[]): Promise<{ dataDir: string; databaseUrl: string | undefined }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-bench-"));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  if (store === "sqlite") return { dataDir, databaseUrl: undefined };
  const name = `earthid_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((e: Error) => console.log(`could not drop ${name}: ${e.message}`));
    await client.end();
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { dataDir, databaseUrl: url.toString() };
}

function sessionCounter(dataDir: string, databaseUrl: string | undefined): () => Promise<number> {
  return async () => {
    if (!databaseUrl) {
      const db = new Database(path.join(dataDir, "earthid.sqlite"), { readonly: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n;
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return Number((await client.query("SELECT count(*) AS n FROM sessions")).rows[0].n);
    } finally {
      await client.end();
    }
  };
}

async function startContender(store: Store, name: string, checkout: string | undefined, cleanups: (() => Promise<void>)[]): Promise<Contender> {
  const { dataDir, databaseUrl } = await freshStore(store, cleanups);
  const { apiKey } = await createIntegration({ dataDir, databaseUrl, checkout });
  const target = await startRealServer({ dataDir, databaseUrl, logLevel: LOG_LEVEL, checkout, name });
  cleanups.push(() => target.stop());
  return { target, apiKey, countSessions: sessionCounter(dataDir, databaseUrl), rounds: [] };
}

/** One store: every contender up, a warm-up each, then rounds in a rotating order; prints the medians. */
async function benchStore(store: Store): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const real = await startContender(store, "real", undefined, cleanups);
    const probe = await fetch(`${real.target.url}/earthid/api/sessions`, { method: "POST", headers: { "content-type": "application/json", "x-auth-client": real.apiKey }, body: BODY });
    const probeBody = Buffer.from(await probe.arrayBuffer());
    if (probe.status !== 201) throw new Error(`the real server answered ${probe.status}: ${probeBody.toString()}`);
    const logDir = mkdtempSync(path.join(tmpdir(), "earthid-bench-bare-"));
    cleanups.push(async () => rmSync(logDir, { recursive: true, force: true }));
    const bareTarget = await startBareServer(probeBody.length, logDir);
    cleanups.push(() => bareTarget.stop());
    const bare: Contender = { target: bareTarget, apiKey: real.apiKey, rounds: [] };
    const contenders = [real, bare];
    if (BASELINE) contenders.push(await startContender(store, "base", BASELINE, cleanups));
    if (FLOOR) {
      const floorTarget = await startFloorServer(probeBody.length, logDir);
      cleanups.push(() => floorTarget.stop());
      contenders.push({ target: floorTarget, apiKey: real.apiKey, rounds: [] });
    }

    console.log(`\n== ${store}: ${CONNECTIONS} connections, ${ROUNDS} rounds x ${SECONDS} s per target, rotating order (warm-up ${WARMUP_SECONDS} s each)`);
    console.log(`   response body ${probeBody.length} bytes on both; real server LOG_LEVEL ${LOG_LEVEL ?? "default (info)"}; bare: no logger`);
    if (BASELINE) console.log(`   base: ${BASELINE}`);
    for (const contender of contenders) await load(contender, WARMUP_SECONDS);

    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so that no target always runs right after the same other one.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const contender of order) {
        const result = await load(contender, SECONDS);
        contender.rounds.push(result);
        console.log(`   round ${round + 1} ${contender.target.name.padEnd(5)} ${fmt(result)}`);
      }
    }
    const medians = new Map(contenders.map((c) => [c, summary(c.rounds)]));
    for (const [contender, med] of medians) console.log(`   median ${contender.target.name.padEnd(5)} ${fmt(med)}`);
    const bareMed = medians.get(bare)!;
    for (const contender of contenders) {
      if (contender === bare) continue;
      const med = medians.get(contender)!;
      console.log(
        `   ${store} ratio ${contender.target.name}/bare: ${(med.rps / bareMed.rps).toFixed(3)}   (main-thread CPU per request, bare/${contender.target.name}: ${(bareMed.mainCpuPerRequest / med.mainCpuPerRequest).toFixed(3)})`,
      );
    }

    // Every 201 the clients counted must be a committed row (the store may hold a few more: requests
    // still in flight when a round ended, the warm-up and the probe).
    for (const contender of contenders) {
      if (!contender.countSessions) continue;
      await contender.target.stop();
      const rows = await contender.countSessions();
      const ok = medians.get(contender)!.ok;
      console.log(`   ${contender.target.name}: sessions committed ${rows}, 201s counted in the rounds ${ok}: ${rows >= ok ? "every 201 is a row" : "ROWS MISSING"}`);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

warnIfStale();
for (const store of STORES) await benchStore(store);
