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
