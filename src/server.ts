import type { FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { type Runtime, openRuntime } from "./runtime.js";
import type { IntegrationService } from "./integrations/service.js";

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** On first start with an empty store: a test-mode integration to try the API with, printed once. */
async function ensureDemoIntegration(integrations: IntegrationService, config: Config, out: (text: string) => void): Promise<void> {
  if ((await integrations.countIntegrations()) > 0) return;
  const demo = await integrations.createIntegration({ name: "demo", isTest: true });
  const body = JSON.stringify({
    verification: {
      callback: "https://example.com/thanks",
      person: { firstName: "John", lastName: "Smith" },
      document: { type: "PASSPORT", country: "EE" },
      vendorData: "unique id of a user",
    },
  });
  out(
    [
      "",
      "EarthID Verify: created a demo integration (test mode). Its secret is shown only this once.",
      `  integration id: ${demo.id}`,
      `  API key:        ${demo.apiKey}`,
      `  shared secret:  ${demo.sharedSecret}`,
      "Create a session:",
      `  curl -s -X POST ${config.publicUrl}/earthid/api/sessions \\`,
      "    -H 'Content-Type: application/json' \\",
      `    -H 'X-AUTH-CLIENT: ${demo.apiKey}' \\`,
      `    -d ${shellQuote(body)}`,
      "",
    ].join("\n") + "\n",
  );
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** The setting that chose the store, for error messages; a password in the URL is masked. */
function storeSetting(config: Config): string {
  if (!config.databaseUrl) return `EARTHID_DATA_DIR=${config.dataDir}`;
  try {
    const url = new URL(config.databaseUrl);
    if (url.password) url.password = "***";
    return `DATABASE_URL=${url.toString()}`;
  } catch {
    return "DATABASE_URL";
  }
}

/**
 * The runtime over a store brought up to the latest migration: what `serve`, `migrate` and the
 * integration commands start from. A store that cannot be opened is reported with the setting
 * that points at it, so the operator knows what to fix.
 */
export async function openMigratedRuntime(config: Config): Promise<Runtime> {
  let runtime: Runtime | undefined;
  try {
    runtime = openRuntime(config);
    await runtime.store.migrate();
    return runtime;
  } catch (error) {
    await runtime?.store.close().catch(() => {});
    throw new Error(`cannot open the store (${storeSetting(config)}): ${(error as Error).message}`, { cause: error });
  }
}

export async function startServer(config: Config, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<RunningServer> {
  const runtime = await openMigratedRuntime(config);
  try {
    await ensureDemoIntegration(runtime.integrations, config, out);
  } catch (error) {
    await runtime.store.close();
    throw error;
  }
  // The HTTP app (Fastify, its plugins, every route) is loaded only here: the CLI's store commands
  // import this module for openMigratedRuntime and start faster without it.
  const { buildApp } = await import("./app.js");
  const app = await buildApp(runtime);
  app.addHook("onClose", async () => runtime.store.close());
  const url = await app.listen({ port: config.port, host: config.host });
  app.log.info({ store: runtime.store.kind, publicUrl: config.publicUrl, dataDir: config.dataDir }, "EarthID Verify is serving");
  return { app, url, close: () => app.close() };
}
