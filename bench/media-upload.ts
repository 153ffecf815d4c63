/**
 * What a large media upload does to everyone else: the real server (SQLite) answers GET /health,
 * probed every few milliseconds, first with nothing else to do, then while a client uploads the
 * same 16 MB JPEG (22 MB of base64) over and over, one upload at a time. Prints the probe's latency
 * in both phases and their ratio, the uploads per second, and the server's main-thread CPU per
 * upload: the work that holds every other request up.
 *
 *   npm run build && npx tsx bench/media-upload.ts
 *
 * Then a wrong-signature burst (issue 14, finding 2), on a fresh server: BENCH_BURST uploads of a
 * 20 MB body at once, each signed with the wrong secret. Prints how they were answered and how long
 * that took, /health's latency meanwhile, the server's peak resident memory (VmHWM) and its
 * resident memory once the burst is over.
 *
 * Knobs (env): BENCH_UPLOADS (12 per phase), BENCH_PROBE_MS (5), BENCH_BURST (200), BENCH_BASELINE
 * (another built checkout, e.g. a `git worktree` of an older commit, measured the same way in the same run).
 */
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createIntegration, startRealServer } from "./targets.js";

const EMPTY_SESSION = JSON.stringify({ verification: {} });
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 12);
const PROBE_MS = Number(process.env.BENCH_PROBE_MS ?? 5);
const BURST = Number(process.env.BENCH_BURST ?? 200);
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;

const sign = (secret: string, data: string | Buffer) => createHmac("sha256", secret).update(data).digest("hex");
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function request(url: string, method: string, headers: Record<string, string>, body?: string | Buffer, via: http.Agent = agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: via }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.once("error", reject);
    req.end(body);
  });
}

/** GET /health every PROBE_MS until `until` settles; the latency of each answer, in ms. */
async function probeWhile(url: string, until: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    await request(`${url}/health`, "GET", {});
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
  }
  return latencies;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const describe = (values: number[]) => `p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms  max ${Math.max(...values).toFixed(1)} ms`;

/** A photo-sized JPEG of noise (it does not compress): about 16 MB. */
async function bigJpeg(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 100 }).toBuffer();
}

async function measure(name: string, checkout: string | undefined, image: Buffer) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-bench-media-"));
  try {
    const { apiKey, sharedSecret } = await createIntegration({ dataDir, checkout });
    const server = await startRealServer({ dataDir, checkout, name });
    try {
      const headers = (body: string | Buffer) => ({ "content-type": "application/json", "x-auth-client": apiKey, "x-hmac-signature": sign(sharedSecret, body) });
      const created = JSON.parse((await request(`${server.url}/earthid/api/sessions`, "POST", headers(EMPTY_SESSION), EMPTY_SESSION)).text) as { verification: { id: string } };
      // Encoded and signed once: the client's own work must not stall the probe, which runs beside it.
      const body = Buffer.from(JSON.stringify({ image: { context: "document-front", content: image.toString("base64") } }));
      const uploadHeaders = headers(body);
      const uploadUrl = `${server.url}/earthid/api/sessions/${created.verification.id}/media`;
      const first = await request(uploadUrl, "POST", uploadHeaders, body);
      if (first.status !== 201) throw new Error(`${name}: the upload answered ${first.status}: ${first.text.slice(0, 300)}`);

      const idle = await probeWhile(server.url, new Promise((resolve) => setTimeout(resolve, 2000)));
      const cpuBefore = server.cpuMicros();
      const started = performance.now();
      const uploads = (async () => {
        for (let i = 0; i < UPLOADS; i++) {
          const res = await request(uploadUrl, "POST", uploadHeaders, body);
          if (res.status !== 201) throw new Error(`${name}: upload ${i} answered ${res.status}`);
        }
      })();
      const busy = await probeWhile(server.url, uploads);
      await uploads;
      const seconds = (performance.now() - started) / 1000;
      const cpu = server.cpuMicros();
      return { name, idle, busy, uploadsPerSecond: UPLOADS / seconds, mainMsPerUpload: (cpu.main - cpuBefore.main) / 1000 / UPLOADS };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A process's resident memory now and at its peak (Linux /proc), MB. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** BURST wrong-signature uploads of 20 MB at once, on a fresh server. */
async function burst(name: string, checkout: string | undefined) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-bench-burst-"));
  const wide = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  try {
    const { apiKey, sharedSecret } = await createIntegration({ dataDir, checkout });
    const server = await startRealServer({ dataDir, checkout, name });
    try {
      const headers = (body: string | Buffer, secret: string) => ({ "content-type": "application/json", "x-auth-client": apiKey, "x-hmac-signature": sign(secret, body) });
      const created = JSON.parse((await request(`${server.url}/earthid/api/sessions`, "POST", headers(EMPTY_SESSION, sharedSecret), EMPTY_SESSION)).text) as { verification: { id: string } };
      const body = Buffer.from(JSON.stringify({ image: { context: "document-front", content: "A".repeat(20 * 1024 * 1024) } }));
      const wrong = headers(body, "not the shared secret");
      const before = memoryOf(server.pid);
      const started = performance.now();
      const answers = Promise.all(Array.from({ length: BURST }, () => request(`${server.url}/earthid/api/sessions/${created.verification.id}/media`, "POST", wrong, body, wide).catch((error: Error) => ({ status: 0, text: error.message }))));
      const probe = await probeWhile(server.url, answers);
      const statuses = new Map<number, number>();
      for (const { status } of await answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const seconds = (performance.now() - started) / 1000;
      const peak = memoryOf(server.pid);
      // What stays resident once the burst is over and the heap had a moment to shrink.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const after = memoryOf(server.pid);
      return { name, seconds, statuses: Object.fromEntries([...statuses].sort()), probe, before, peak, after };
    } finally {
      await server.stop();
    }
  } finally {
    wide.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const image = await bigJpeg();
console.log(`media upload: ${(image.length / 1e6).toFixed(1)} MB JPEG (${((image.length * 4) / 3 / 1e6).toFixed(1)} MB of base64), ${UPLOADS} uploads one after another; GET /health every ${PROBE_MS} ms`);
const results = [await measure("real", undefined, image)];
if (BASELINE) results.push(await measure("base", BASELINE, image));
for (const r of results) {
  console.log(`\n${r.name}${r.name === "base" ? ` (${BASELINE})` : ""}`);
  console.log(`  /health, idle              ${describe(r.idle)}`);
  console.log(`  /health, during uploads    ${describe(r.busy)}   (p99 ratio busy/idle ${(percentile(r.busy, 99) / percentile(r.idle, 99)).toFixed(1)})`);
  console.log(`  uploads ${r.uploadsPerSecond.toFixed(2)}/s, server main thread ${r.mainMsPerUpload.toFixed(0)} ms CPU per upload`);
}
console.log(`\nwrong-signature burst: ${BURST} uploads of a 20 MB body at once`);
for (const [label, checkout] of [["real", undefined], ...(BASELINE ? [["base", BASELINE]] : [])] as Array<[string, string | undefined]>) {
  const b = await burst(label, checkout);
  console.log(`\n${b.name}: answered ${JSON.stringify(b.statuses)} in ${b.seconds.toFixed(1)} s`);
  console.log(`  /health, during the burst  ${describe(b.probe)}`);
  console.log(`  server memory: ${b.before.rssMb.toFixed(0)} MB before, peak ${b.peak.peakMb.toFixed(0)} MB, ${b.after.rssMb.toFixed(0)} MB resident 5 s after`);
}
agent.destroy();
