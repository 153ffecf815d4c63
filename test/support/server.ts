import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type Runtime, openRuntime } from "../../src/runtime.js";
import type { CreateIntegrationOptions } from "../../src/integrations/service.js";
import { createTestDatabase } from "./postgres.js";
import { type ApiClient, apiClient } from "./client.js";

export const storeKind = process.env.EARTHID_TEST_STORE === "postgres" ? "postgres" : "sqlite";

/** A data directory and, on the postgres project, a fresh database: what one server instance needs. */
export async function testEnvironment(extra: Record<string, string> = {}): Promise<{ env: NodeJS.ProcessEnv; dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-test-"));
  const database = storeKind === "postgres" ? await createTestDatabase() : undefined;
  return {
    dataDir,
    env: { EARTHID_DATA_DIR: dataDir, LOG_LEVEL: "silent", ...(database ? { DATABASE_URL: database.url } : {}), ...extra },
    async cleanup() {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  runtime: Runtime;
  env: NodeJS.ProcessEnv;
  /** An integration created straight through the service, with a client bound to its keys. */
  integration(options?: Partial<CreateIntegrationOptions>): Promise<TestIntegration>;
  close(): Promise<void>;
}

export interface TestIntegration {
  id: string;
  apiKey: string;
  sharedSecret: string;
  api: ApiClient;
}

/** The real app on a real loopback port, on the store this test project runs against. */
export async function startTestServer(extraEnv: Record<string, string> = {}, appOptions: AppOptions = {}): Promise<TestServer> {
  const environment = await testEnvironment({ PORT: "0", ...extraEnv });
  const config = loadConfig(environment.env);
  const runtime = openRuntime(config);
  await runtime.store.migrate();
  const app = await buildApp(runtime, appOptions);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const url = typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : String(address);
  return {
    url,
    app,
    runtime,
    env: environment.env,
    async integration(options = {}) {
      const created = await runtime.integrations.createIntegration({ name: "test", ...options });
      return { id: created.id, apiKey: created.apiKey, sharedSecret: created.sharedSecret, api: apiClient(url, created.apiKey, created.sharedSecret) };
    },
    async close() {
      await app.close();
      await runtime.store.close();
      await environment.cleanup();
    },
  };
}
