import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app/http.js";
import { loadConfig, ConfigError } from "../../src/config.js";
import type { Services } from "../../src/app/compose.js";
import { migratedServices, storeKind, testEnvironment } from "../support/server.js";
import { formClient, makeReviewer } from "./support.js";

/** EARTHID_ADMIN_PORT: the back-office on a port of its own, and nowhere on the public one. */
describe(`the back-office on its own port (${storeKind})`, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  let app: FastifyInstance;
  let services: Services;
  let publicUrl: string;
  let adminUrl: string;

  beforeAll(async () => {
    environment = await testEnvironment({ PORT: "0", EARTHID_ADMIN_PORT: "0" });
    const config = loadConfig(environment.env);
    const built = await buildApp(config, migratedServices(config));
    ({ app, services } = built);
    publicUrl = await app.listen({ port: 0, host: "127.0.0.1" });
    adminUrl = await built.admin!.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await app.close();
    await services.close();
    await environment.cleanup();
  });

  it("serves login and the queue on the admin port", async () => {
    await makeReviewer({ services } as never, "port@example.com", "reviewer");
    const client = formClient(adminUrl);
    await client.logIn("port@example.com");
    const queue = await client.get("/admin/queue");
    expect(queue.status).toBe(200);
    expect(queue.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("answers 404 for every back-office path on the public port, while the API stays there", async () => {
    for (const path of ["/admin", "/admin/login", "/admin/assets/admin.css"]) expect((await fetch(publicUrl + path)).status, path).toBe(404);
    expect((await fetch(`${publicUrl}/health`)).status).toBe(200);
    expect((await fetch(`${adminUrl}/health`)).status).toBe(404);
  });

  it("closes with the public app", async () => {
    const config = loadConfig({ ...environment.env, EARTHID_ADMIN_PORT: "0" });
    const other = await buildApp(config, () => services);
    const url = await other.admin!.listen({ port: 0, host: "127.0.0.1" });
    await other.app.close();
    await expect(fetch(`${url}/admin/login`)).rejects.toThrow();
  });

  it("refuses an admin port equal to the public one", () => {
    expect(() => loadConfig({ PORT: "8080", EARTHID_ADMIN_PORT: "8080" })).toThrow(ConfigError);
  });
});

/** EARTHID_ADMIN_PREFIX "/" on the admin port, and whether cookies are Secure there. */
describe(`the back-office at the root of its own port, behind an https PUBLIC_URL (${storeKind})`, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  let built: Awaited<ReturnType<typeof buildApp>>;
  let adminUrl: string;

  beforeAll(async () => {
    environment = await testEnvironment({ PORT: "0", EARTHID_ADMIN_PORT: "0", EARTHID_ADMIN_PREFIX: "/", PUBLIC_URL: "https://verify.example.com" });
    const config = loadConfig(environment.env);
    built = await buildApp(config, migratedServices(config));
    await built.app.listen({ port: 0, host: "127.0.0.1" });
    adminUrl = await built.admin!.listen({ port: 0, host: "127.0.0.1" });
    await makeReviewer({ services: built.services } as never, "root@example.com", "reviewer");
  });
  afterAll(async () => {
    await built.app.close();
    await built.services.close();
    await environment.cleanup();
  });

  it("serves login, queue and assets at the root, with links and cookie paths there", async () => {
    const client = formClient(adminUrl, "");
    await client.logIn("root@example.com");
    const queue = await client.get("/queue");
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('href="/assets/admin.css"');
    expect(queue.text).toContain('action="/logout"');
    expect((await fetch(`${adminUrl}/assets/admin.css`)).status).toBe(200);
    expect((await fetch(`${adminUrl}/admin/login`)).status).toBe(404);
  });

  it("does not mark cookies Secure over the plain-http admin port, so that the browser sends them back", async () => {
    const page = await fetch(`${adminUrl}/login`);
    const cookies = page.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const line of cookies) {
      expect(line).toMatch(/; Path=\/(;|$)/);
      expect(line).not.toMatch(/Secure/i);
    }
  });

  it("marks them Secure when a trusted proxy says the browser came over https", async () => {
    const page = await fetch(`${adminUrl}/login`, { headers: { "x-forwarded-proto": "https" } });
    for (const line of page.headers.getSetCookie()) expect(line).toMatch(/; Secure/);
  });

  it("marks them Secure when EARTHID_ADMIN_PUBLIC_URL is https", async () => {
    const config = loadConfig({ ...environment.env, EARTHID_ADMIN_PUBLIC_URL: "https://admin.example.com" });
    const other = await buildApp(config, () => built.services);
    const url = await other.admin!.listen({ port: 0, host: "127.0.0.1" });
    try {
      const page = await fetch(`${url}/login`);
      expect(page.headers.getSetCookie().length).toBeGreaterThan(0);
      for (const line of page.headers.getSetCookie()) expect(line).toMatch(/; Secure/);
    } finally {
      await other.app.close();
    }
  });

  it("keeps them Secure on the public port when PUBLIC_URL is https", async () => {
    const config = loadConfig({ ...environment.env, EARTHID_ADMIN_PORT: "", EARTHID_ADMIN_PREFIX: "/ops/backoffice" });
    const other = await buildApp(config, () => built.services);
    const url = await other.app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const page = await fetch(`${url}/ops/backoffice/login`);
      expect(page.status).toBe(200);
      for (const line of page.headers.getSetCookie()) expect(line).toMatch(/; Path=\/ops\/backoffice; .*Secure/);
    } finally {
      await other.app.close();
    }
  });
});

describe("EARTHID_ADMIN_PREFIX and EARTHID_ADMIN_PUBLIC_URL are checked at boot", () => {
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };

  it("takes /admin by default, any other path of its own, and / on its own port only", () => {
    expect(loadConfig({}).adminPrefix).toBe("/admin");
    expect(loadConfig({ EARTHID_ADMIN_PREFIX: "/ops/backoffice" }).adminPrefix).toBe("/ops/backoffice");
    expect(loadConfig({ EARTHID_ADMIN_PORT: "9090", EARTHID_ADMIN_PREFIX: "/" }).adminPrefix).toBe("/");
    expect(refused({ EARTHID_ADMIN_PREFIX: "/" })).toContain("only with EARTHID_ADMIN_PORT");
  });

  it("refuses a prefix that is not a clean path, or that takes a path of the public port", () => {
    expect(refused({ EARTHID_ADMIN_PREFIX: "admin" })).toContain('EARTHID_ADMIN_PREFIX must be a path starting with "/"');
    expect(refused({ EARTHID_ADMIN_PREFIX: "/admin/" })).toContain('must not end with "/"');
    expect(refused({ EARTHID_ADMIN_PREFIX: "/ops/../admin" })).toContain('".."');
    expect(refused({ EARTHID_ADMIN_PREFIX: "/ops//admin" })).toContain("empty");
    expect(refused({ EARTHID_ADMIN_PREFIX: "/ops?x=1" })).toContain("must be a path");
    for (const taken of ["/earthid", "/v1/admin", "/v", "/health", "/ready", "/media", "/metrics", "/docs", "/flow"]) {
      expect(refused({ EARTHID_ADMIN_PREFIX: taken }), taken).toContain("a path of the public API, flow or operations");
    }
    // On its own port, nothing else is served: those paths are free there.
    expect(loadConfig({ EARTHID_ADMIN_PORT: "9090", EARTHID_ADMIN_PREFIX: "/health" }).adminPrefix).toBe("/health");
  });

  it("takes EARTHID_ADMIN_PUBLIC_URL only with an admin port, and only as an http(s) URL", () => {
    expect(refused({ EARTHID_ADMIN_PUBLIC_URL: "https://admin.example.com" })).toContain("only with EARTHID_ADMIN_PORT");
    expect(refused({ EARTHID_ADMIN_PORT: "9090", EARTHID_ADMIN_PUBLIC_URL: "ftp://admin.example.com" })).toContain("EARTHID_ADMIN_PUBLIC_URL must use http or https");
  });
});
