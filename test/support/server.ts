import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app/http.js";
import { type Config, loadConfig } from "../../src/config.js";
import { type ComposeOptions, type Services, type ServiceLog, composeServices } from "../../src/app/compose.js";
import type { CreateIntegrationOptions } from "../../src/integrations/service.js";
import { createTestDatabase } from "./postgres.js";
import { reviewByPerson } from "../../src/verification/assess-job.js";
import { type ApiClient, apiClient } from "./client.js";
import { freePort } from "./built-cli.js";

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
  services: Services;
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

/** For services built outside an app: what they would log goes nowhere (LOG_LEVEL=silent, as the apps here). */
export const silentLog: ServiceLog = { warn() {}, error() {} };

/** What buildApp opens in tests: the composition root over a store brought up to date (with the parts `options` puts in place). */
export function migratedServices(config: Config, options: ComposeOptions = {}) {
  return async (observers: Parameters<typeof composeServices>[1]): Promise<Services> => {
    const services = composeServices(config, observers, options);
    await services.store.migrate();
    return services;
  };
}

export interface TestServerOptions {
  /**
   * Listen on a port chosen first, so that PUBLIC_URL (and so every session's `url`, the QR code
   * and the hand-off link) names the address a browser really uses. Otherwise port 0.
   */
  publicUrlIsListenAddress?: boolean;
}

/**
 * The real app on a real loopback port, on the store this test project runs against. A live
 * integration's submission waits in review for a person (reviewByPerson) unless `compose` says
 * otherwise: `{ assessment: undefined }` puts the real engine in its place (test/assessment/), whose
 * models most tests need not load.
 */
export async function startTestServer(extraEnv: Record<string, string> = {}, compose: ComposeOptions = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const port = options.publicUrlIsListenAddress ? await freePort() : 0;
  const fixed: Record<string, string> = port === 0 ? {} : { PUBLIC_URL: `http://127.0.0.1:${port}` };
  const environment = await testEnvironment({ PORT: String(port), ...fixed, ...extraEnv });
  const config = loadConfig(environment.env);
  const { app, services } = await buildApp(config, migratedServices(config, { assessment: reviewByPerson, ...compose }));
  await app.listen({ port, host: "127.0.0.1" });
  const address = app.server.address();
  const url = typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : String(address);
  return {
    url,
    app,
    services,
    env: environment.env,
    async integration(options = {}) {
      const created = await services.integrations.createIntegration({ name: "test", ...options });
      return { id: created.id, apiKey: created.apiKey, sharedSecret: created.sharedSecret, api: apiClient(url, created.apiKey, created.sharedSecret) };
    },
    async close() {
      await app.close();
      await services.close();
      await environment.cleanup();
    },
  };
}
