/**
 * How fast the service decides, through the whole of it, and what it holds in memory:
 *
 *   - cold start: `earthid serve` as a child process, from spawning it to /ready answering 200 (the
 *     engine's models loaded), and its resident memory then;
 *   - the service: the real app (buildApp) on loopback, on SQLite and on PostgreSQL, a live
 *     integration whose decision webhook goes to a receiver here. Each verification is a session
 *     created, a passport photo and a selfie uploaded, PATCH submitted; what is timed is PATCH sent
 *     to decision webhook received. Warm, one at a time: p50/p95. Busy: verifications per second
 *     (whole flows) with 2 per engine worker in flight;
 *   - the floor: the same images through pool.verify directly, nothing of ours around it.
 *
 * The machine may be shared: wall time alone says little, so each column also gives this
 * process's CPU time (every thread: the event loop, the engine's workers, Tesseract's, libuv's, the
 * media workers) per verification, and the load average; PostgreSQL's own CPU is not counted.
 *
 *   npx tsx bench/engine-speed.ts        (or: npm run bench:engine-speed)
 *
 * Knobs (env): BENCH_WORKERS (EARTHID_ENGINE_WORKERS; the service's default), BENCH_WARM (10 one at
 * a time), BENCH_BUSY (16 with the pool full), BENCH_STORES ("sqlite,postgres"), BENCH_PG_URL, BENCH_SEED
 * ("engine": a synthetic approve scenario the engine reads today). Goals (issue 12): p95 ≤ 1.5 s,
 * ≥ 3/s, RSS ≤ 800 MB.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { buildApp } from "../src/app/http.js";
import { composeServices } from "../src/app/compose.js";
import { loadConfig } from "../src/config.js";
import { enginePool } from "../src/engine/pool.js";
import { DEFAULT_POLICY } from "../src/engine/policy/policy.js";
import type { VerifyInput } from "../src/engine/run/verify.js";
import { builtCli, freePort, repoRoot } from "../test/support/built-cli.js";
import { apiClient } from "../test/support/client.js";
import { buildScenario, todayUtc } from "../test/support/synth/index.js";
import { scratchDatabase } from "./targets.js";

const WORKERS = Number(process.env.BENCH_WORKERS ?? loadConfig({}).engineWorkers);
const WARM = Number(process.env.BENCH_WARM ?? 10);
const BUSY = Number(process.env.BENCH_BUSY ?? 16);
const IN_FLIGHT = WORKERS * 2;
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",");
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const GOALS = { p95Ms: 1500, perSecond: 3, rssMb: 800 };

const asOf = todayUtc();
const scenario = await buildScenario("approve", { seed: process.env.BENCH_SEED ?? "engine", asOf });
const claims = { person: scenario.sessionRequest.person, ...(scenario.sessionRequest.document ? { document: scenario.sessionRequest.document } : {}) };

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const cpuMs = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
const quantile = (values: number[], q: number) => { const s = [...values].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!; };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

interface Measured { readyMs: number; warm: { p50: number; p95: number; cpuPer: number }; busy: { perSecond: number; cpuPer: number }; rssMb: number; loadedMb: number; peakMb: number; statuses: string[] }

/** Warm one at a time, then `IN_FLIGHT` at once; `once` resolves with the decision and the milliseconds it timed. */
async function measure(once: () => Promise<{ status: string; ms: number }>, readyMs: number): Promise<Measured> {
  const loadedMb = mb(process.memoryUsage().rss);
  const statuses = new Set<string>();
  const run = async () => { const { status, ms } = await once(); statuses.add(status); return ms; };
  await run(); // the first past loading: allocators and caches warm up
  const times: number[] = [];
  const warmCpu = process.cpuUsage();
  for (let i = 0; i < WARM; i++) times.push(await run());
  const warmCpuPer = cpuMs(warmCpu) / WARM;
  let left = BUSY;
  const busyCpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (left-- > 0) await run(); }));
  const wallMs = performance.now() - started;
  return {
    readyMs, loadedMb, rssMb: mb(process.memoryUsage().rss), peakMb: mb(peakRss), statuses: [...statuses],
    warm: { p50: quantile(times, 0.5), p95: quantile(times, 0.95), cpuPer: warmCpuPer },
    busy: { perSecond: (BUSY / wallMs) * 1000, cpuPer: cpuMs(busyCpu) / BUSY },
  };
}

/** A decision webhook endpoint: resolves each session's waiter when its decision arrives. */
async function decisionReceiver() {
  const waiting = new Map<string, (status: string) => void>();
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => {
      res.writeHead(200).end("ok");
      const verification = (JSON.parse(body) as { verification?: { id?: string; status?: string } }).verification;
      if (verification?.id) waiting.get(verification.id)?.(verification.status ?? "?");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/decision`,
    decision: (id: string) => new Promise<string>((resolve) => waiting.set(id, resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function untilReady(url: string, gone: () => boolean = () => false): Promise<void> {
  for (;;) {
    if (gone()) throw new Error("the server exited before it was ready");
    if ((await fetch(`${url}/ready`).then((r) => r.status, () => 0)) === 200) return;
    await sleep(20);
  }
}

/** `earthid serve` as a child: milliseconds from spawn to /ready 200, and its RSS then (VmRSS). */
async function coldStart(env: NodeJS.ProcessEnv): Promise<{ readyMs: number; rssMb: number }> {
  const bin = await builtCli();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [bin, "serve"], { cwd: repoRoot, env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: url }, stdio: "ignore" });
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once("exit", () => { gone = true; resolve(); }));
  try {
    await untilReady(url, () => gone);
    const readyMs = performance.now() - started;
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
    return { readyMs, rssMb: mb(rss) };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function throughTheService(store: string): Promise<Measured & { coldMs: number; coldRssMb: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-engine-speed-"));
  const scratch = store === "postgres" ? await scratchDatabase(PG_ADMIN_URL, "earthid_engine_speed") : undefined;
  const env = { EARTHID_DATA_DIR: dataDir, LOG_LEVEL: "silent", EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_ENGINE_WORKERS: String(WORKERS), DATABASE_URL: scratch?.url ?? "" };
  const receiver = await decisionReceiver();
  try {
    // The child migrates the fresh store, which the app below then finds up to date.
    const cold = await coldStart(env);
    peakRss = 0;
    const config = loadConfig({ ...process.env, ...env });
    const started = performance.now();
    const { app, services } = await buildApp(config, async (observers) => {
      const composed = composeServices(config, observers);
      await composed.store.migrate();
      return composed;
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    // As `earthid serve` does at boot.
    void services.engine.start();
    await untilReady(url);
    const readyMs = performance.now() - started;
    try {
      const shop = await services.integrations.createIntegration({ name: "engine-speed", decisionWebhookUrl: receiver.url });
      const api = apiClient(url, shop.apiKey, shop.sharedSecret);
      const once = async () => {
        const created = await api.createSession(scenario.sessionRequest);
        const id = created.body.verification.id as string;
        for (const [context, bytes] of [["document-front", scenario.documentFront], ["face", scenario.selfie]] as const) {
          const uploaded = await api.request("POST", `/earthid/api/sessions/${id}/media`, { body: { image: { context, content: Buffer.from(bytes).toString("base64") } } });
          if (uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}: ${uploaded.text}`);
        }
        const decided = receiver.decision(id);
        const sent = performance.now();
        const submitted = await api.request("PATCH", `/earthid/api/sessions/${id}`, { body: { verification: { status: "submitted" } } });
        if (submitted.status !== 200) throw new Error(`PATCH answered ${submitted.status}: ${submitted.text}`);
        const status = await decided;
        return { status, ms: performance.now() - sent };
      };
      return { ...(await measure(once, readyMs)), coldMs: cold.readyMs, coldRssMb: cold.rssMb };
    } finally {
      await app.close();
      await services.close();
    }
  } finally {
    await receiver.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function floor(): Promise<Measured> {
  peakRss = 0;
  const started = performance.now();
  const pool = enginePool({ size: WORKERS });
  await pool.ready();
  const readyMs = performance.now() - started;
  const input = (): VerifyInput => ({
    // Fresh copies each time: the pool hands the buffers over to its workers.
    documentFront: new Uint8Array(scenario.documentFront),
    selfie: new Uint8Array(scenario.selfie),
    documentType: "PASSPORT",
    claims,
    policy: DEFAULT_POLICY,
    duplicates: [],
    now: new Date(`${asOf}T12:00:00Z`),
  });
  try {
    return await measure(async () => {
      const t = performance.now();
      const { status } = await pool.verify(input());
      return { status, ms: performance.now() - t };
    }, readyMs);
  } finally {
    await pool.close();
  }
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(`engine-speed: ${WORKERS} engine worker(s), ${WARM} warm + ${BUSY} busy (${IN_FLIGHT} in flight) verifications, passport ${scenario.documentFront.length} B + selfie ${scenario.selfie.length} B; load average ${load()}`);

const columns: [string, Measured & { coldMs?: number; coldRssMb?: number }][] = [];
for (const store of STORES) columns.push([`service, ${store}`, await throughTheService(store)]);
columns.push(["floor: pool.verify", await floor()]);
clearInterval(sampler);

const ms = (v: number) => `${Math.round(v)} ms`;
const rows: [string, (m: (typeof columns)[number][1]) => string][] = [
  ["cold start: spawn to /ready 200", (m) => (m.coldMs === undefined ? "-" : `${ms(m.coldMs)}, ${m.coldRssMb} MB`)],
  ["in this process: to ready", (m) => ms(m.readyMs)],
  ["warm p50 / p95 (PATCH→webhook)", (m) => `${ms(m.warm.p50)} / ${ms(m.warm.p95)}`],
  ["warm CPU per verification", (m) => ms(m.warm.cpuPer)],
  [`busy (${IN_FLIGHT} in flight): /s`, (m) => m.busy.perSecond.toFixed(2)],
  ["busy CPU per verification", (m) => ms(m.busy.cpuPer)],
  ["RSS loaded / after / peak", (m) => `${m.loadedMb} / ${m.rssMb} / ${m.peakMb} MB`],
  ["decisions", (m) => m.statuses.join(", ")],
];
console.log(`\n${"".padEnd(34)}${columns.map(([name]) => name.padEnd(24)).join("")}`);
for (const [label, value] of rows) console.log(`${label.padEnd(34)}${columns.map(([, m]) => value(m).padEnd(24)).join("")}`);
const service = columns[0]![1];
const cores = 2;
console.log(`\nload average now ${load()}; on an idle ${cores}-core machine the busy rate is bounded by ${cores}/(CPU s per verification) = ${(cores / (service.busy.cpuPer / 1000)).toFixed(2)}/s for the service`);
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
console.log(`goals (${columns[0]![0]}): p95 ≤ ${GOALS.p95Ms} ms ${verdict(service.warm.p95 <= GOALS.p95Ms)}; ≥ ${GOALS.perSecond}/s ${verdict(service.busy.perSecond >= GOALS.perSecond)}; RSS ≤ ${GOALS.rssMb} MB ${verdict(service.peakMb <= GOALS.rssMb)} (peak ${service.peakMb} MB, this process: the service, the bench's client and receiver)`);
process.exit(0);
