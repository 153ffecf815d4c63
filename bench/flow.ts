// bench:flow: what the hosted flow's first screen costs a phone. The bytes it transfers (HTML, JS
// and CSS as the server sends them compressed) and its first contentful paint in chromium under CDP
// emulation of a mid-range phone (4x CPU slowdown, 1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT);
// beside them, Veriff's web SDK bundles from their npm packages, for scale. Goal: < 60 KB, < 1.5 s.
// The paint is measured side by side with two floors under the same emulation: a static copy of the
// same HTML from a bare server, and a one-line page.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { buildFlow } from "../scripts/build-flow.mjs";
import { buildApp } from "../src/app/http.js";
import { openMigratedServices } from "../src/app/compose.js";
import { loadConfig } from "../src/config.js";
import { freePort, launchChromium } from "../test/flow/harness.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const require = createRequire(import.meta.url);

await buildFlow({ quiet: true });
const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-bench-flow-"));
const port = await freePort();
const publicUrl = `http://127.0.0.1:${port}`;
const config = loadConfig({ EARTHID_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: publicUrl, LOG_LEVEL: "silent" });
const { app, services } = await buildApp(config, (observers) => openMigratedServices(config, observers));
await app.listen({ port, host: "127.0.0.1" });
const shop = await services.integrations.createIntegration({ name: "Northwind Bank" });
const newSessionUrl = async () => {
  const response = await fetch(`${publicUrl}/earthid/api/sessions`, { method: "POST", headers: { "content-type": "application/json", "x-auth-client": shop.apiKey }, body: '{"verification":{}}' });
  return ((await response.json()) as { verification: { url: string } }).verification.url;
};

/** Bytes on the wire for one response, as a browser that accepts br and gzip gets it. */
async function wireBytes(url: string): Promise<{ bytes: number; encoding: string }> {
  const response = await fetch(url, { headers: { "accept-encoding": "br, gzip" } });
  // fetch decodes for us: measure the body as the server sent it by asking again with node:http.
  await response.arrayBuffer();
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    request(url, { headers: { "accept-encoding": "br, gzip" } }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve({ bytes, encoding: String(res.headers["content-encoding"] ?? "identity") }));
    })
      .on("error", reject)
      .end();
  });
}

const pageUrl = await newSessionUrl();
const html = await (await fetch(pageUrl)).text();
const assets = [...html.matchAll(/(?:src|href)="(\/flow\/assets\/[^"]+)"/g)].map((m) => m[1]!);
const parts = [{ name: "HTML", ...(await wireBytes(pageUrl)) }];
for (const asset of assets) parts.push({ name: asset.endsWith(".js") ? "JS" : "CSS", ...(await wireBytes(`${publicUrl}${asset}`)) });
const total = parts.reduce((sum, part) => sum + part.bytes, 0);

/**
 * The floors, served by a bare node:http server (no framework, no store, no token, precompressed):
 * "static copy" is this very page's HTML (its inline stylesheet included, its script tag removed), so
 * what the service adds to it shows; "tiny" is a one-line page, the network's own cost.
 */
const staticCopy = html.replace(/<script type="module"[^>]*src="[^"]*"><\/script>/, "");
const floorPages: Record<string, Buffer> = { "/static-copy": gzipSync(staticCopy), "/tiny": gzipSync("<!doctype html><title>tiny</title><p>Verify your identity</p>") };
const floor = createServer((req, res) => {
  const body = floorPages[req.url ?? ""];
  if (!body) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-encoding": "gzip", "cache-control": "no-store" }).end(body);
});
await new Promise<void>((resolve) => floor.listen(0, "127.0.0.1", resolve));
const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`;

interface Paint {
  fcp: number;
  /** Navigation timing: first byte and last byte of the HTML, from the navigation's start. */
  ttfb: number;
  htmlDone: number;
}
const targets: Record<string, () => Promise<string>> = {
  "hosted flow": newSessionUrl,
  "floor: static copy": async () => `${floorUrl}/static-copy`,
  "floor: tiny page": async () => `${floorUrl}/tiny`,
};
const paints: Record<string, Paint[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));

const browser = await launchChromium();
try {
  // Interleaved, so that the machine's load of the moment weighs on each alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, target] of Object.entries(targets)) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      await page.goto(await target(), { waitUntil: "load" });
      const paint = (await page.evaluate(
        `new Promise((resolve) => new PerformanceObserver((list) => { const e = list.getEntriesByName('first-contentful-paint')[0]; if (!e) return; const n = performance.getEntriesByType('navigation')[0]; resolve({ fcp: e.startTime, ttfb: n.responseStart, htmlDone: n.responseEnd }); }).observe({ type: 'paint', buffered: true }))`,
      )) as Paint;
      paints[name]!.push(paint);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await app.close();
  await services.close();
  floor.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log("First screen of the hosted flow, as sent (compressed):");
for (const part of parts) console.log(`  ${part.name.padEnd(5)} ${kb(part.bytes).padStart(9)}  (${part.encoding})`);
console.log(`  total ${kb(total).padStart(9)}   goal < 60 KB`);
console.log(`First contentful paint, 4x CPU, 1.6 Mbit/s, 150 ms RTT, medians of ${ROUNDS} interleaved rounds (first byte / HTML received / FCP):`);
const ours = median(paints["hosted flow"]!.map((p) => p.fcp));
for (const [name, list] of Object.entries(paints)) {
  const fcp = median(list.map((p) => p.fcp));
  const ratio = name === "hosted flow" ? "   goal < 1500 ms" : `   hosted flow / this = ${(ours / fcp).toFixed(2)}`;
  console.log(`  ${name.padEnd(20)} ${median(list.map((p) => p.ttfb)).toFixed(0).padStart(5)} / ${median(list.map((p) => p.htmlDone)).toFixed(0).padStart(5)} / ${fcp.toFixed(0).padStart(5)} ms  (FCP ${list.map((p) => p.fcp.toFixed(0)).join(", ")})${ratio}`);
}
console.log("For scale, web SDK bundles from their npm packages (minified; gzip / brotli):");
for (const [name, file] of [
  ["@veriff/incontext-sdk 2.5.0 (umd)", "@veriff/incontext-sdk/dist/index.umd.js"],
  ["@veriff/js-sdk 2.0.0", "@veriff/js-sdk/lib/veriff.js"],
] as const) {
  const bytes = readFileSync(require.resolve(file));
  console.log(`  ${name.padEnd(36)} ${kb(bytes.length).padStart(9)}; ${kb(gzipSync(bytes).length)} / ${kb(brotliCompressSync(bytes).length)}`);
}
console.log("  (Veriff's SDKs only frame or link to Veriff's hosted page, which loads its own bundle on top.)");
