import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app/http.js";
import { composeServices } from "../../src/app/compose.js";
import { loadConfig } from "../../src/config.js";
import { migrationNames } from "../../src/store/migrations.js";
import { type TestIntegration, type TestServer, migratedServices, startTestServer, storeKind, testEnvironment } from "../support/server.js";
import { type ApiResponse, rawRequest } from "../support/client.js";
import { urlFor, withAdmin } from "../support/postgres.js";
import { sample } from "./prometheus.js";

const get = async (base: string, path: string, headers: Record<string, string> = {}): Promise<ApiResponse> => {
  const response = await fetch(`${base}${path}`, { headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
};

/** The app on a loopback port over a store it did not prepare: no migrations run. */
async function unpreparedServer(env: NodeJS.ProcessEnv): Promise<{ url: string; app: FastifyInstance; close(): Promise<void> }> {
  const config = loadConfig({ ...env, PORT: "0" });
  const { app, services } = await buildApp(config, (observers) => composeServices(config, observers));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const url = typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : "";
  return {
    url,
    app,
    async close() {
      await app.close();
      await services.close();
    },
  };
}

/** A data directory and, on PostgreSQL, an empty database (not the migrated template). */
async function emptyStore(): Promise<{ env: NodeJS.ProcessEnv; cleanup(): Promise<void> }> {
  const environment = await testEnvironment();
  if (storeKind === "sqlite") return environment;
  await environment.cleanup();
  const name = `earthid_empty_${Math.random().toString(16).slice(2, 10)}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const scratch = await testEnvironment();
  return {
    env: { ...scratch.env, DATABASE_URL: urlFor(name) },
    async cleanup() {
      await scratch.cleanup();
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

describe("operations endpoints", () => {
  let server: TestServer;
  let shop: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
  });
  afterAll(() => server.close());

  describe("/health and /ready", () => {
    it("/health answers 200 while the process lives", async () => {
      const res = await get(server.url, "/health");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: "ok" });
    });

    it("/ready answers 200 with the store reachable and every migration applied", async () => {
      const res = await get(server.url, "/ready");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: "ready", store: storeKind, pendingMigrations: [] });
    });

    it("/ready answers 503 naming the pending migrations on a store never migrated", async () => {
      const store = await emptyStore();
      const fresh = await unpreparedServer(store.env);
      try {
        const res = await get(fresh.url, "/ready");
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ status: "not_ready", store: storeKind, pendingMigrations: migrationNames });
        expect((await get(fresh.url, "/health")).status).toBe(200);
      } finally {
        await fresh.close();
        await store.cleanup();
      }
    });

    it("/ready answers 503 once the store cannot be reached", async () => {
      const environment = await testEnvironment();
      const config = loadConfig({ ...environment.env, PORT: "0" });
      const { app, services } = await buildApp(config, migratedServices(config));
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address();
      const url = typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : "";
      try {
        expect((await get(url, "/ready")).status).toBe(200);
        await services.store.close();
        const res = await get(url, "/ready");
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ status: "not_ready", store: storeKind });
        expect(res.body.message).toMatch(/^store unreachable: /);
      } finally {
        await app.close();
        await services.close();
        await environment.cleanup();
      }
    });
  });

  describe("/metrics", () => {
    it("serves Prometheus text with request counts and a latency histogram per route", async () => {
      await shop.api.createSession({});
      const res = await get(server.url, "/metrics");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.text).toContain("# TYPE earthid_http_requests_total counter");
      expect(res.text).toContain("# TYPE earthid_http_request_duration_seconds histogram");
      expect(sample(res.text, 'earthid_http_requests_total{method="POST",route="/earthid/api/sessions",status="201"}')).toBeGreaterThanOrEqual(1);
      expect(res.text).toMatch(/earthid_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/earthid\/api\/sessions"\} \d+/);
      expect(sample(res.text, 'earthid_http_request_duration_seconds_count{method="POST",route="/earthid/api/sessions"}')).toBeGreaterThanOrEqual(1);
      expect(res.text).toContain("process_cpu_seconds_total");
    });

    it("counts each created session once, live and test apart, and each answered request", async () => {
      const sandbox = await server.integration({ name: "sandbox", isTest: true });
      const before = (await get(server.url, "/metrics")).text;
      await shop.api.createSession({});
      await shop.api.createSession({});
      await sandbox.api.createSession({});
      await shop.api.createSession({ vendorData: 7 });
      const after = (await get(server.url, "/metrics")).text;
      const delta = (series: string) => sample(after, series) - sample(before, series);
      expect(delta('earthid_sessions_created_total{mode="live"}')).toBe(2);
      expect(delta('earthid_sessions_created_total{mode="test"}')).toBe(1);
      expect(delta('earthid_http_requests_total{method="POST",route="/earthid/api/sessions",status="201"}')).toBe(3);
      expect(delta('earthid_http_requests_total{method="POST",route="/earthid/api/sessions",status="400"}')).toBe(1);
      expect(delta('earthid_http_request_duration_seconds_count{method="POST",route="/earthid/api/sessions"}')).toBe(4);
    });

    it("with EARTHID_METRICS_TOKEN set, answers only the bearer of that token", async () => {
      const token = "scrape-7f3c9a1e5b2d4680";
      const guarded = await startTestServer({ EARTHID_METRICS_TOKEN: token });
      try {
        for (const headers of [{} as Record<string, string>, { authorization: "Bearer scrape-7f3c9a1e5b2d4681" }, { authorization: `Basic ${token}` }, { authorization: `Bearer ${token}x` }]) {
          const refused = await get(guarded.url, "/metrics", headers);
          expect(refused.status).toBe(401);
          expect(refused.body).toEqual({ status: "fail", code: "1911", message: expect.stringContaining("Authorization: Bearer") });
          expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
          expect(refused.text).not.toContain("earthid_http_requests_total");
        }
        const allowed = await get(guarded.url, "/metrics", { authorization: `Bearer ${token}` });
        expect(allowed.status).toBe(200);
        expect(allowed.text).toContain("# TYPE earthid_http_requests_total counter");
        // The probes a load balancer sends stay open.
        expect((await get(guarded.url, "/health")).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });

  describe("/openapi.json and /docs", () => {
    it("/openapi.json is OpenAPI 3.1 generated from the route schemas, with the session paths", async () => {
      const res = await get(server.url, "/openapi.json");
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc.openapi).toBe("3.1.0");
      for (const prefix of ["/earthid/api", "/v1"]) {
        expect(doc.paths[`${prefix}/sessions`]?.post, prefix).toBeDefined();
        expect(doc.paths[`${prefix}/sessions/{id}`]?.get, prefix).toBeDefined();
      }
      const create = doc.paths["/earthid/api/sessions"].post;
      expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "400", "401"]));
      const verification = create.requestBody.content["application/json"].schema.properties.verification;
      expect(verification.properties.vendorData.maxLength).toBe(1000);
      expect(verification.properties.document.properties.type.enum).toEqual(expect.arrayContaining(["PASSPORT", "ID_CARD", "DRIVERS_LICENSE", "RESIDENCE_PERMIT"]));
      expect(create.parameters.map((p: { name: string }) => p.name)).toContain("x-auth-client");
      expect(doc.paths["/openapi.json"]).toBeUndefined();
      expect((await get(server.url, "/docs/json")).body).toEqual(doc);
    });

    it("/docs answers HTML whose every asset is served, with no call outside", async () => {
      const page = await get(server.url, "/docs");
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.text).toContain("swagger-ui");
      const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(3);
      for (const asset of assets) {
        expect(asset, "assets are served from here").not.toMatch(/^(https?:)?\/\//);
        const res = await get(server.url, new URL(asset, `${server.url}/docs/`).pathname);
        expect(res.status, asset).toBe(200);
        expect(res.text.length, asset).toBeGreaterThan(100);
        if (asset.endsWith(".js")) expect(res.headers.get("content-type"), asset).toMatch(/javascript/);
        if (asset.endsWith(".css")) expect(res.headers.get("content-type"), asset).toMatch(/^text\/css/);
      }
      const initializer = assets.find((a) => a.includes("initializer"));
      expect(initializer).toBeDefined();
      const script = (await get(server.url, new URL(initializer!, `${server.url}/docs/`).pathname)).text;
      expect(script).toMatch(/"?validatorUrl"?\s*:\s*null/);
      // The page asks for the spec relative to itself (resolveUrl('./json') against /docs/).
      const spec = /url:\s*resolveUrl\('([^']+)'\)/.exec(script)?.[1];
      expect(spec).toBeDefined();
      expect((await get(server.url, new URL(spec!, `${server.url}/docs/`).pathname)).body.openapi).toBe("3.1.0");
    });

    it("/docs carries a strict Content-Security-Policy: own scripts only, no outside host", async () => {
      const csp = (await get(server.url, "/docs")).headers.get("content-security-policy") ?? "";
      const directives = new Map(csp.split(";").map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d.split(/\s+/).slice(1)]));
      expect(directives.get("default-src")).toEqual(["'self'"]);
      expect(directives.get("script-src")).toEqual(["'self'"]);
      expect(directives.get("object-src")).toEqual(["'none'"]);
      expect(directives.has("frame-ancestors")).toBe(true);
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).not.toContain("validator.swagger.io");
      // Served over plain http here: upgrading the assets to https would break the page.
      expect(csp).not.toContain("upgrade-insecure-requests");
    });
  });

  describe("headers on every response", () => {
    const HELMET = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "SAMEORIGIN", "cross-origin-opener-policy": "same-origin" };

    it("carries the security headers, whatever the route and the outcome", async () => {
      const responses: [string, ApiResponse][] = [
        ["health", await get(server.url, "/health")],
        ["ready", await get(server.url, "/ready")],
        ["metrics", await get(server.url, "/metrics")],
        ["openapi", await get(server.url, "/openapi.json")],
        ["docs", await get(server.url, "/docs")],
        ["unknown route", await get(server.url, "/nothing-here")],
        ["created", await shop.api.createSession({})],
        ["read", await shop.api.getSession((await shop.api.createSession({})).body.verification.id)],
        ["refused body", await shop.api.createSession({ vendorData: 1 })],
        ["unknown key", await shop.api.createSession({}, { apiKey: crypto.randomUUID() })],
        ["wrong content type", await shop.api.request("POST", "/v1/sessions", { body: "x", contentType: "text/plain" })],
        ["preflight", await rawRequest(server.url, { method: "OPTIONS", path: "/v1/sessions", headers: { origin: "https://shop.example", "access-control-request-method": "POST" } })],
        ["bad url", await rawRequest(server.url, { method: "GET", path: "/v1/sessions/%E0%A4%A" })],
      ];
      for (const [label, res] of responses) {
        for (const [name, value] of Object.entries(HELMET)) expect(res.headers.get(name), `${label}: ${name}`).toBe(value);
        expect(res.headers.get("content-security-policy"), label).toMatch(/default-src '(none|self)'/);
        expect(res.headers.get("content-security-policy"), label).toContain("frame-ancestors");
        expect(res.headers.get("x-powered-by"), label).toBeNull();
      }
    });

    it("forbids caching of every API response, success or failure", async () => {
      const id = (await shop.api.createSession({})).body.verification.id as string;
      const responses: [string, ApiResponse][] = [
        ["created", await shop.api.createSession({})],
        ["read", await shop.api.getSession(id)],
        ["missing", await shop.api.getSession(crypto.randomUUID())],
        ["refused", await shop.api.createSession({ vendorData: 1 })],
        ["no key", await shop.api.createSession({}, { apiKey: null })],
        ["too large", await shop.api.createSession({ padding: "x".repeat(1_100_000) })],
        ["unknown API route", await shop.api.request("GET", "/v1/nothing")],
      ];
      for (const [label, res] of responses) expect(res.headers.get("cache-control"), `${label} (${res.status})`).toBe("no-store");
    });

    it("adds HSTS only when PUBLIC_URL is https", async () => {
      expect((await get(server.url, "/health")).headers.get("strict-transport-security")).toBeNull();
      const secure = await startTestServer({ PUBLIC_URL: "https://verify.example.org" });
      try {
        expect((await get(secure.url, "/health")).headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
        expect((await get(secure.url, "/docs")).headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
      } finally {
        await secure.close();
      }
    });
  });
});
