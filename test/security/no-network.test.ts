import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildServer, demoBanner, repoRoot, runCli, spawnServer } from "../support/built-cli.js";
import { apiClient } from "../support/client.js";
import { storeKind, testEnvironment } from "../support/server.js";
import { buildScenario, todayUtc } from "../support/synth/index.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

/**
 * "Nothing reaches the network at run time: models, fonts and data come from npm packages or the
 * repository." The real server runs under a preload that records and refuses every connection, UDP
 * datagram and DNS query that is not for loopback; the first test shows the preload catches them.
 */
const preload = pathToFileURL(path.join(repoRoot, "test", "support", "no-network.mjs")).href;
const underPreload = ["--import", preload];

interface NetworkRecord {
  pid: number;
  thread: number;
  event: "armed" | "blocked";
  kind?: string;
  host?: string;
  port?: number;
  argv?: string[];
}

const tempDirs: string[] = [];
function networkLog(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "earthid-network-"));
  tempDirs.push(dir);
  return path.join(dir, "network.jsonl");
}

function records(log: string): NetworkRecord[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as NetworkRecord);
}

function runProbe(log: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const probe = path.join(repoRoot, "test", "security", "outbound-probe.mjs");
  return new Promise((resolve) =>
    execFile(process.execPath, [...underPreload, probe], { env: { ...process.env, EARTHID_NETWORK_LOG: log }, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** Same-origin references only: relative paths, fragments and data: URIs. */
function externalReferences(text: string): string[] {
  const refs = [...text.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']/gi)].map((m) => (m[1] ?? m[2] ?? m[3])!);
  return refs.filter((ref) => /^([a-z][a-z0-9+.-]*:)?\/\//i.test(ref) && !ref.startsWith("data:"));
}

/**
 * A page a browser opens: it and the stylesheets and scripts it names all load from this server, and
 * none of them points the browser elsewhere (fonts, CDNs, validators). Returns the assets it fetched.
 * Links (`<a href>`) are left out: they load nothing until the person follows one (the hosted flow's
 * "continue to <integration>" goes to the integration's callback, wherever that is).
 */
async function expectSelfContainedPage(page: Response): Promise<string[]> {
  const html = (await page.text()).replace(/<a\b[^>]*>/gi, "<a>");
  expect(externalReferences(html), page.url).toEqual([]);
  const assets = [...html.matchAll(/(?:src|href)\s*=\s*["']([^"'#]+)["']/g)].map((m) => new URL(m[1]!, page.url).href);
  for (const asset of assets) {
    const res = await fetch(asset);
    expect(res.status, asset).toBe(200);
    const text = await res.text();
    if (/\.(css|html?)(\?|$)/.test(asset)) expect(externalReferences(text), asset).toEqual([]);
  }
  return assets;
}

describe(`no network at run time (${storeKind})`, () => {
  let server: ChildServer | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let receiver: Receiver | undefined;
  afterAll(async () => {
    await receiver?.close();
    server?.process.kill("SIGKILL");
    await server?.exited;
    await cleanup?.();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("the preload records and refuses every way out, before a packet leaves, and lets loopback through", async () => {
    const log = networkLog();
    const run = await runProbe(log);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as {
      armed: boolean;
      results: { name: string; result: string }[];
      worker: { armed: boolean; results: { name: string; result: string }[] };
    };
    expect(report.armed).toBe(true);
    const outcome = Object.fromEntries([...report.results, ...report.worker.results].map((r) => [r.name, r.result]));
    expect(outcome).toEqual({
      "net.connect 192.0.2.1:9": "blocked",
      "net.createConnection {host 2001:db8::1}": "blocked",
      "new net.Socket().connect(example.com)": "blocked",
      "tls.connect 192.0.2.1:443": "blocked",
      "http.get http://192.0.2.1/": "blocked",
      "fetch https://example.com/": "blocked",
      "dns.lookup example.com": "blocked",
      "dns.promises.lookup example.com": "blocked",
      "dns.resolve4 example.com": "blocked",
      "new dns.promises.Resolver().resolveTxt": "blocked",
      "dgram send 192.0.2.1:53": "blocked",
      "loopback net.connect 127.0.0.1": "connected",
      "loopback dns.lookup localhost": "connected",
      "worker net.connect 192.0.2.1:9": "blocked",
    });

    // Each refused attempt is on record (the worker's too); the loopback controls are not.
    const blocked = records(log).filter((r) => r.event === "blocked");
    expect(blocked.map((r) => `${r.kind} ${r.host}`).sort()).toEqual(
      [
        "connect 192.0.2.1",
        "connect 2001:db8::1",
        "connect example.com",
        "connect 192.0.2.1",
        "connect 192.0.2.1",
        "connect example.com",
        "dns.lookup example.com",
        "dns.lookup example.com",
        "dns.resolve4 example.com",
        "dns.resolveTxt example.com",
        "udp.send 192.0.2.1",
        "connect 192.0.2.1",
      ].sort(),
    );
    expect(blocked.some((r) => r.thread !== 0)).toBe(true);
    expect(run.stderr).toContain("no-network preload: refused connect 192.0.2.1:9");
  });

  it("serves a first start, the CLI, sessions, docs, metrics and a whole verification through the engine, replayed, without one attempt to reach the network", { timeout: 240_000 }, async () => {
    const log = networkLog();
    // NODE_OPTIONS too, so that any Node process the service starts is watched as well.
    // Webhooks to the loopback receiver below; one engine worker.
    const environment = await testEnvironment({ EARTHID_NETWORK_LOG: log, NODE_OPTIONS: `--import=${preload}`, EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_ENGINE_WORKERS: "1" });
    cleanup = environment.cleanup;

    server = await spawnServer(environment.env, underPreload);
    const demo = demoBanner(server.stdout());
    expect(demo, server.stdout()).toBeDefined();

    receiver = await startReceiver();
    const cli = await runCli(["integrations", "create", "--name", "shop", "--callback", "https://shop.example/done", "--decision-webhook", `${receiver.url}/decisions`, "--json"], environment.env, underPreload);
    expect(cli.code, cli.stderr).toBe(0);
    const shopKeys = JSON.parse(cli.stdout) as { apiKey: string; sharedSecret: string };

    const base = server.url;
    const get = (url: string, init?: RequestInit) => fetch(new URL(url, base), init);

    // Sessions, as integrators make them: the demo's curl body and a full one with a callback.
    const demoApi = apiClient(base, demo!.apiKey, demo!.sharedSecret);
    const shop = apiClient(base, shopKeys.apiKey, shopKeys.sharedSecret);
    const created = [
      await demoApi.createSession({ callback: "https://example.com/thanks", person: { firstName: "John", lastName: "Smith" }, document: { type: "PASSPORT", country: "EE" }, vendorData: "unique id of a user" }),
      await shop.createSession({
        callback: "https://shop.example/verified",
        person: { firstName: "Anna", lastName: "Eriksson", idNumber: "ZE184226B", dateOfBirth: "1974-08-12", email: "anna@example.org" },
        document: { type: "ID_CARD", country: "SE", number: "D23145890" },
        endUserId: "c6a0c2d9-7bb5-4e5f-9f1e-1d5b3e0c7a11",
        lang: "et",
      }),
      await shop.request("POST", "/v1/sessions", { body: { verification: { vendorData: "v1" } } }),
    ];
    expect(created.map((r) => r.status)).toEqual([201, 201, 201]);
    expect((await demoApi.getSession(created[0]!.body.verification.id)).status).toBe(200);
    expect((await shop.request("GET", `/v1/sessions/${created[1]!.body.verification.id}`, { stamp: true })).status).toBe(200);
    // The errors too: another tenant's session, a wrong signature, an unknown key.
    expect((await demoApi.getSession(created[1]!.body.verification.id)).status).toBe(404);
    expect((await shop.getSession(created[1]!.body.verification.id, { stamp: { secret: "not the shared secret" } })).status).toBe(401);
    expect((await shop.createSession({}, { apiKey: "00000000-0000-4000-8000-000000000000" })).status).toBe(401);
    const preflight = await get("/earthid/api/sessions", { method: "OPTIONS", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBeLessThan(300);
    // The end user's link: the hosted flow's page, its script and everything else it loads come from this server.
    const flow = await get(created[0]!.body.verification.url);
    expect(flow.status).toBe(200);
    expect(flow.headers.get("content-type")).toContain("text/html");
    const flowAssets = await expectSelfContainedPage(flow);
    expect(flowAssets.some((asset) => new URL(asset).pathname.startsWith("/flow/assets/") && asset.endsWith(".js")), flowAssets.join(", ")).toBe(true);

    // Operations.
    expect((await get("/health")).status).toBe(200);
    // Ready once the engine's workers have loaded their models (Tesseract's data, human's models and
    // wasm, all from node_modules): 503 until then, under the same preload.
    let ready = await get("/ready");
    for (const deadline = Date.now() + 90_000; ready.status === 503 && Date.now() < deadline; ready = await get("/ready")) {
      expect(await ready.json()).toMatchObject({ engine: "loading" });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", store: storeKind });
    const metrics = await get("/metrics");
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("earthid_sessions_created_total");
    const openapi = await get("/openapi.json");
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe("3.1.0");

    // The API browser and every asset it loads, each of them same-origin.
    const docs = await get("/docs");
    expect(docs.status).toBe(200);
    const docAssets = await expectSelfContainedPage(docs);
    expect(docAssets.length).toBeGreaterThan(3);
    expect(await (await get(docAssets.find((a) => a.endsWith("swagger-initializer.js"))!)).text()).toMatch(/validatorUrl"?\s*:\s*null/);
    expect((await get(new URL("json", docs.url.replace(/\/?$/, "/")).href)).status).toBe(200);

    // A whole verification through the engine: a passport photo and a selfie of its holder, submitted,
    // read in the engine's worker thread, decided, and the decision delivered to the integrator.
    const passport = await buildScenario("approve", { seed: "engine", asOf: todayUtc() });
    const session = await shop.createSession({ ...passport.sessionRequest, vendorData: "offline" });
    const sessionId = session.body.verification.id as string;
    for (const [context, bytes] of [["document-front", passport.documentFront], ["face", passport.selfie]] as const) {
      expect((await shop.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: { image: { context, content: bytes.toString("base64") } } })).status).toBe(201);
    }
    expect((await shop.request("PATCH", `/earthid/api/sessions/${sessionId}`, { body: { verification: { status: "submitted" } } })).body.verification.status).toBe("submitted");
    const decided = (r: { json: any }) => r.json?.verification?.id === sessionId;
    const [decision] = (await receiver.waitFor((all) => all.some(decided), 120_000)).filter(decided);
    expect(decision!.json.verification).toMatchObject({ status: "approved", code: 9001, document: { number: passport.truth.document.number } });
    // And replayed by the CLI, its own engine reading the sealed images again.
    const replayed = await runCli(["sessions", "replay", sessionId], environment.env, underPreload);
    expect(replayed.code, replayed.stdout + replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain("replayed: approved 9001\nno difference\n");

    // What the server said, should it not stop cleanly (exit 1: its shutdown failed or ran out of time).
    const stopped = await server.stop();
    expect(stopped, server.stderr() + server.stdout().slice(-3000)).toEqual({ code: 0, signal: null });

    const seen = records(log);
    expect(seen.filter((r) => r.event === "blocked")).toEqual([]);
    // And the preload was really in place, in the server and in the CLI.
    const armedPids = new Set(seen.filter((r) => r.event === "armed").map((r) => r.pid));
    expect(armedPids.has(server.pid)).toBe(true);
    expect(armedPids.size).toBeGreaterThanOrEqual(2);
  });
});
