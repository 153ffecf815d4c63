/**
 * What survives a power loss, measured rather than assumed: a commit survives one only if it was
 * flushed to stable storage before the 201. This probe runs the real server (bin/earthid.js serve)
 * on SQLite with synchronous=NORMAL, on SQLite with FULL, and on PostgreSQL, creates sessions one
 * at a time and then from 64 concurrent clients, and counts the flushes: fsync/fdatasync calls of
 * the server process (strace, SQLite) or WAL syncs of the cluster (pg_stat_wal, PostgreSQL).
 *
 *   npx tsx test/durability/power-loss-probe.ts        (needs strace and ptrace; not part of the suite)
 *
 * PostgreSQL's counter is cluster-wide: other work on the same server adds to it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import path from "node:path";
import pg from "pg";
import { builtCli, demoBanner, freePort } from "../support/built-cli.js";
import { adminUrl, createTestDatabase } from "../support/postgres.js";
import setupTemplate from "../support/postgres-template.js";
import { testEnvironment } from "../support/server.js";

const SEQUENTIAL = 300;
const CONCURRENT_SECONDS = 3;
const CLIENTS = 64;

interface Mode {
  name: string;
  env: Record<string, string>;
  postgres: boolean;
}

function post(agent: Agent, url: string, apiKey: string, vendorData: string): Promise<number> {
  const body = JSON.stringify({ verification: { vendorData, person: { firstName: "Ada", lastName: "Lovelace" } } });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/earthid/api/sessions`, { method: "POST", agent, headers: { "content-type": "application/json", "x-auth-client": apiKey } });
    req.once("error", reject);
    req.once("response", (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.end(body);
  });
}

async function walSyncs(): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return Number((await client.query("SELECT wal_sync FROM pg_stat_wal")).rows[0].wal_sync);
  } finally {
    await client.end();
  }
}

function syncCalls(traceFile: string): number {
  try {
    return readFileSync(traceFile, "utf8").split("\n").filter((line) => /\b(fsync|fdatasync)\(/.test(line) && !/resumed/.test(line)).length;
  } catch {
    return 0;
  }
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error("server exited");
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("server did not start");
}

async function probe(mode: Mode) {
  const environment = await testEnvironment(mode.env);
  if (mode.postgres) {
    const db = await createTestDatabase();
    environment.env.DATABASE_URL = db.url;
    const previous = environment.cleanup;
    environment.cleanup = async () => (await db.drop(), await previous());
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const traceFile = path.join(environment.dataDir, "syncs.trace");
  const bin = await builtCli();
  // --seccomp-bpf stops the process only on the traced calls, so timing is barely disturbed.
  const tracer = spawn("strace", ["-f", "-qq", "--seccomp-bpf", "-e", "trace=fsync,fdatasync", "-o", traceFile, process.execPath, bin, "serve"], {
    env: { ...process.env, ...environment.env, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: url },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  tracer.stdout!.on("data", (chunk) => (stdout += chunk));
  try {
    await waitFor(url, tracer);
    const apiKey = demoBanner(stdout)!.apiKey;
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

    // One create at a time: one commit each, nothing to group.
    let calls = syncCalls(traceFile);
    let wal = mode.postgres ? await walSyncs() : 0;
    let started = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) if ((await post(agent, url, apiKey, `seq-${i}`)) !== 201) throw new Error("create failed");
    const sequentialMs = (performance.now() - started) / SEQUENTIAL;
    const sequentialSyncs = mode.postgres ? (await walSyncs()) - wal : syncCalls(traceFile) - calls;

    // 64 clients: commits are grouped, so flushes are shared.
    calls = syncCalls(traceFile);
    wal = mode.postgres ? await walSyncs() : 0;
    let created = 0;
    started = performance.now();
    const until = started + CONCURRENT_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let n = 0; performance.now() < until; n++) if ((await post(agent, url, apiKey, `con-${c}-${n}`)) === 201) created++;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const concurrentSyncs = mode.postgres ? (await walSyncs()) - wal : syncCalls(traceFile) - calls;
    agent.destroy();
    return {
      mode: mode.name,
      "ms per create (1 client)": sequentialMs.toFixed(2),
      "flushes per create (1 client)": (sequentialSyncs / SEQUENTIAL).toFixed(2),
      "creates/s (64 clients)": Math.round(created / seconds),
      "creates per flush (64 clients)": concurrentSyncs === 0 ? "no flush" : (created / concurrentSyncs).toFixed(1),
    };
  } finally {
    const server = execFileSync("pgrep", ["-P", String(tracer.pid)], { encoding: "utf8" }).trim();
    if (server) process.kill(Number(server), "SIGTERM");
    await new Promise((r) => tracer.once("exit", r));
    await environment.cleanup();
  }
}

await setupTemplate();
const modes: Mode[] = [
  { name: "sqlite, synchronous=NORMAL (default)", env: { EARTHID_SQLITE_SYNCHRONOUS: "NORMAL" }, postgres: false },
  { name: "sqlite, synchronous=FULL", env: { EARTHID_SQLITE_SYNCHRONOUS: "FULL" }, postgres: false },
  { name: "postgres (defaults)", env: {}, postgres: true },
];
const rows = [];
for (const mode of modes) rows.push(await probe(mode));
console.table(rows);
const settings = new pg.Client({ connectionString: adminUrl });
await settings.connect();
for (const name of ["fsync", "synchronous_commit", "wal_sync_method", "full_page_writes"]) {
  console.log(`postgres ${name} = ${(await settings.query(`SHOW ${name}`)).rows[0][name]}`);
}
await settings.end();
