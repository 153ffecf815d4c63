/**
 * Where the real server spends its time on POST /earthid/api/sessions: runs it under `node
 * --cpu-prof` with the benchmark's load (32 connections, the seed body) and prints the functions and
 * the packages with the most self time. Needs `npm run build`, like the benchmark.
 *
 *   npx tsx bench/profile-create.ts            PROFILE_SECONDS (10), PROFILE_STORE (sqlite | postgres),
 *                                              PROFILE_CHECKOUT (another built checkout), PROFILE_KEEP
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { BODY, createIntegration, startRealServer } from "./targets.js";

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 10);
const STORE = process.env.PROFILE_STORE ?? "sqlite";
const CHECKOUT = process.env.PROFILE_CHECKOUT ? path.resolve(process.env.PROFILE_CHECKOUT) : undefined;
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per package, counting only samples after `skipMicros` (the boot). */
function report(profile: CpuProfile, skipMicros: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= skipMicros) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^file:\/\//, "").replace(`${path.resolve(import.meta.dirname, "..")}/`, "");
    const fn = `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.startsWith("dist/") ? file.split("/").slice(0, 2).join("/") : file.startsWith("node:") ? "node:internal" : file || functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join("\n");
  console.log(`self time by function (of ${(total / 1e6).toFixed(1)} s sampled):\n${top(fns, 40)}`);
  console.log(`\nself time by package or file:\n${top(packages, 25)}`);
}

const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-prof-"));
const profDir = path.join(dataDir, "profile");
let admin: pg.Client | undefined;
const dbName = `earthid_prof_${randomBytes(4).toString("hex")}`;
try {
  let databaseUrl: string | undefined;
  if (STORE === "postgres") {
    admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const { apiKey } = await createIntegration({ dataDir, databaseUrl, checkout: CHECKOUT });
  const spawnedAt = performance.now();
  const real = await startRealServer({ dataDir, databaseUrl, checkout: CHECKOUT, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] });
  const bootMicros = (performance.now() - spawnedAt) * 1000;
  const result = await autocannon({
    url: `${real.url}/earthid/api/sessions`,
    method: "POST",
    connections: 32,
    duration: SECONDS,
    headers: { "content-type": "application/json", "x-auth-client": apiKey },
    body: BODY,
  });
  console.log(`${STORE}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx} (under the profiler; boot excluded below)\n`);
  await real.stop();
  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("no profile written");
  report(JSON.parse(readFileSync(path.join(profDir, file), "utf8")) as CpuProfile, bootMicros);
} finally {
  if (admin) {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
  if (!process.env.PROFILE_KEEP) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`\nkept ${dataDir}`);
}
