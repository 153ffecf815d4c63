/**
 * How fast the engine decides, and what it holds in memory:
 *
 *   - cold start: from creating the pool to every worker having its models loaded;
 *   - warm, one at a time: submit-to-result p50/p95 of a passport photo plus a selfie through the
 *     pool (the buffers cross threads, the readings run in a worker, the decision comes back);
 *   - busy: verifications per second with the pool kept full (2 in flight per worker);
 *   - resident memory (RSS) with the models loaded, and its peak;
 *   - the floor: the same verifications called directly on this thread, no pool, side by side.
 *
 * The machine may be shared: wall time alone says little, so every line also gives the process's
 * CPU time (every thread: workers, Tesseract's, libuv's) per verification, and the load average.
 *
 *   npx tsx bench/engine-speed.ts        (or: npm run bench:engine-speed)
 *
 * Knobs (env): BENCH_WORKERS (one per core), BENCH_WARM (12 one-at-a-time runs), BENCH_BUSY (24
 * runs with the pool full), BENCH_SEED ("speed"). Goals (issue 12): p95 ≤ 1.5 s, ≥ 3/s, RSS ≤ 800 MB.
 */
import { loadavg } from "node:os";
import { defaultEngineWorkers, enginePool } from "../src/engine/pool.js";
import { DEFAULT_POLICY } from "../src/engine/policy/policy.js";
import { createVerifier, type VerifyInput } from "../src/engine/run/verify.js";
import { buildScenario, todayUtc } from "../test/support/synth/index.js";

const WORKERS = Number(process.env.BENCH_WORKERS ?? defaultEngineWorkers());
const WARM = Number(process.env.BENCH_WARM ?? 12);
const BUSY = Number(process.env.BENCH_BUSY ?? 24);
const GOALS = { p95Ms: 1500, perSecond: 3, rssMb: 800 };

const asOf = todayUtc();
const scenario = await buildScenario("approve", { seed: process.env.BENCH_SEED ?? "speed", asOf });
const input = (): VerifyInput => ({
  // Fresh copies each time: the pool hands the buffers over to its workers.
  documentFront: new Uint8Array(scenario.documentFront),
  selfie: new Uint8Array(scenario.selfie),
  documentType: "PASSPORT",
  claims: { person: scenario.sessionRequest.person, ...(scenario.sessionRequest.document ? { document: scenario.sessionRequest.document } : {}) },
  policy: DEFAULT_POLICY,
  duplicates: [],
  now: new Date(`${asOf}T12:00:00Z`),
});

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const cpuMs = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
const quantile = (values: number[], q: number) => { const s = [...values].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!; };
let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

interface Measured { cold: { wallMs: number; cpuMs: number; rssMb: number }; warm: { p50: number; p95: number; cpuPer: number }; busy: { perSecond: number; cpuPer: number; wallMs: number }; rssMb: number; peakMb: number; statuses: string[] }

async function measure(verify: (i: VerifyInput) => Promise<{ status: string }>, cold: Measured["cold"], concurrency: number): Promise<Measured> {
  const statuses = new Set<string>();
  const once = async () => statuses.add((await verify(input())).status);
  await once(); // first verification past loading: allocators and caches warm up
  const times: number[] = [];
  const warmCpu = process.cpuUsage();
  for (let i = 0; i < WARM; i++) { const t = performance.now(); await once(); times.push(performance.now() - t); }
  const warmCpuPer = cpuMs(warmCpu) / WARM;
  const rssMb = mb(process.memoryUsage().rss);
  let left = BUSY;
  const busyCpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (left-- > 0) await once(); }));
  const wallMs = performance.now() - started;
  return {
    cold, rssMb, peakMb: mb(peakRss), statuses: [...statuses],
    warm: { p50: quantile(times, 0.5), p95: quantile(times, 0.95), cpuPer: warmCpuPer },
    busy: { perSecond: (BUSY / wallMs) * 1000, cpuPer: cpuMs(busyCpu) / BUSY, wallMs },
  };
}

console.log(`engine-speed: ${WORKERS} worker(s), ${WARM} warm + ${BUSY} busy verifications, passport ${scenario.documentFront.length} B + selfie ${scenario.selfie.length} B; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);

// The pool first, in a fresh process, so that its memory is its own.
let cpu = process.cpuUsage();
let t = performance.now();
const pool = enginePool({ size: WORKERS });
await pool.ready();
const poolCold = { wallMs: performance.now() - t, cpuMs: cpuMs(cpu), rssMb: mb(process.memoryUsage().rss) };
const pooled = await measure((i) => pool.verify(i), poolCold, WORKERS * 2);
await pool.close();

peakRss = 0;
cpu = process.cpuUsage();
t = performance.now();
const verifier = await createVerifier();
const floorCold = { wallMs: performance.now() - t, cpuMs: cpuMs(cpu), rssMb: mb(process.memoryUsage().rss) };
// Two in flight: Tesseract recognises in its own thread while human runs on this one.
const floor = await measure((i) => verifier.verify(i), floorCold, 2);
await verifier.close();
clearInterval(sampler);

const ms = (v: number) => `${Math.round(v)} ms`;
const rows: [string, (m: Measured) => string][] = [
  ["cold start (wall / CPU)", (m) => `${ms(m.cold.wallMs)} / ${ms(m.cold.cpuMs)}`],
  ["RSS when loaded", (m) => `${m.cold.rssMb} MB`],
  ["warm p50 / p95 (wall)", (m) => `${ms(m.warm.p50)} / ${ms(m.warm.p95)}`],
  ["warm CPU per verification", (m) => ms(m.warm.cpuPer)],
  ["busy: verifications/s", (m) => m.busy.perSecond.toFixed(2)],
  ["busy: CPU per verification", (m) => ms(m.busy.cpuPer)],
  ["RSS after runs / peak", (m) => `${m.rssMb} / ${m.peakMb} MB`],
  ["decisions", (m) => m.statuses.join(", ")],
];
console.log(`\n${"".padEnd(30)}${`pool (${WORKERS} workers)`.padEnd(26)}floor (this thread, no pool)`);
for (const [label, value] of rows) console.log(`${label.padEnd(30)}${value(pooled).padEnd(26)}${value(floor)}`);
const cores = 2;
console.log(`\nload average now ${loadavg().map((l) => l.toFixed(1)).join(" ")}; on an idle ${cores}-core machine the busy rate is bounded by ${cores}/(CPU s per verification) = ${(cores / (pooled.busy.cpuPer / 1000)).toFixed(2)}/s for the pool`);
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
console.log(`goals: p95 ≤ ${GOALS.p95Ms} ms ${verdict(pooled.warm.p95 <= GOALS.p95Ms)}; ≥ ${GOALS.perSecond}/s ${verdict(pooled.busy.perSecond >= GOALS.perSecond)}; RSS ≤ ${GOALS.rssMb} MB ${verdict(pooled.peakMb <= GOALS.rssMb)} (peak ${pooled.peakMb} MB)`);
