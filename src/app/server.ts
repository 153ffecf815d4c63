import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import type { IntegrationService } from "../integrations/service.js";
import { openMigratedServices } from "./compose.js";
import type { ShutdownReport } from "./shutdown.js";

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
  /** What SIGTERM does: no new connections, what is in flight finished within `deadlineMs`, logged. */
  shutDown(deadlineMs: number): Promise<ShutdownReport>;
}

export async function startServer(config: Config, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<RunningServer> {
  // The HTTP app (Fastify, its plugins, every route) is loaded only here: the CLI's store commands
  // import this module and start faster without it.
  const { buildApp } = await import("./http.js");
  const { app, services, admin, shutDown } = await buildApp(config, async (observers) => {
    const services = await openMigratedServices(config, observers);
    try {
      await ensureDemoIntegration(services.integrations, config, out);
    } catch (error) {
      await services.close();
      throw error;
    }
    return services;
  });
  app.addHook("onClose", () => services.close());
  // The engine's models load while the server already answers: /ready says 503 until they are in.
  services.engine.start().catch((error: Error) => app.log.error({ err: error }, "the engine workers could not load their models"));
  const url = await app.listen({ port: config.port, host: config.host });
  const adminUrl = admin ? await admin.listen({ port: config.adminPort!, host: config.adminHost }) : undefined;
  app.log.info({ store: services.store.kind, publicUrl: config.publicUrl, dataDir: config.dataDir, ...(adminUrl ? { backOffice: `${adminUrl}${config.adminPrefix === "/" ? "" : config.adminPrefix}` } : {}) }, "EarthID Verify is serving");
  return { app, url, close: () => app.close(), shutDown };
}
