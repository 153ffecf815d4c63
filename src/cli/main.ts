import { ConfigError, loadConfig } from "../config.js";
import type { Services } from "../app/compose.js";
import { integrationCommands } from "./integrations.js";
import { keyCommands } from "./keys.js";
import { webhookCommands } from "./webhooks.js";
import { sessionCommands } from "./sessions.js";
import { REVIEWERS_USAGE, reviewerCommands } from "./reviewers.js";
import { policyInForce, reviewerAccountsFor } from "../backoffice/adapter.js";
import { updateIntegrationCommand } from "./integrations-update.js";
import { testWebhookCommand } from "./test-webhook.js";
import { policyCommand } from "./policy.js";
import { replayCommand } from "./replay.js";
import { engineWorkers } from "../assessment/engine.js";
import { jobCommands } from "./jobs.js";
import { AUDIT_USAGE, auditCommands } from "./audit.js";

const USAGE = `Usage: earthid <command>

  serve                                 start the HTTP service (PORT, PUBLIC_URL, EARTHID_DATA_DIR, DATABASE_URL)
  worker                                run the job runners and the webhook dispatcher, no HTTP
                                        (EARTHID_ENGINE_WORKERS assessments at once; 0: none)
  migrate                               apply database migrations and exit
  integrations create --name N [--callback URL] [--decision-webhook URL]
                      [--event-webhook URL] [--test] [--retention-days N]
                      [--frame-ancestors ORIGIN,…] [--json]
  integrations list [--json]
  integrations show ID [--json]
  integrations rotate-secret ID [--json]
  integrations deactivate ID [--json]
  integrations set-retention ID DAYS|none [--json]
                                        erase media and personal data DAYS after a final decision
  integrations update ID [--name N] [--callback URL|none] [--decision-webhook URL|none]
                         [--event-webhook URL|none] [--frame-ancestors ORIGIN,…|none]
                         [--strict-signatures on|off] [--test-mode on|off] [--json]
                                        change an integration; its keys stay (audited);
                                        frame ancestors: origins allowed to embed the hosted flow;
                                        strict signatures: every request needs x-earthid-signature
  integrations test-webhook ID [--kind decision|event] [--json]
                                        send a signed test event to its webhook URL(s), print the answer
  integrations policy ID [--face-threshold T] [--review-from R] [--min-age N|none]
                         [--specimens flag|decline] [--json]
                                        print the engine's decision policy and who made its version,
                                        or make a new version (audited)
  sessions decide ID --status approved|declined|resubmission_requested
                  [--reason-code N] [--reason TEXT] [--json]
  sessions show ID [--json]
  sessions replay ID [--attempt ID] [--json]
                                        run the engine again on the sealed media, as recorded; print
                                        what differs (exit 3 when something does)
  webhooks list [--session ID] [--limit N] [--json]
  webhooks resend DELIVERY_ID [--json]  send a webhook again, with the body first sent
  jobs list [--status pending|running|done|failed] [--kind K] [--limit N] [--json]
  jobs retry ID [--json]                run a failed job again, with fresh attempts
  keys rotate [--json]                  a new master key; everything sealed under the old one re-sealed
                                        (resumes an unfinished rotation); destroys retired keys older
                                        than EARTHID_BACKUP_RETENTION_DAYS
  keys prune [--json]                   re-seal stragglers, destroy retired keys whose time is up
${REVIEWERS_USAGE}
${AUDIT_USAGE}

The CLI uses the same EARTHID_DATA_DIR / DATABASE_URL as the server.`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/**
 * How long SIGTERM/SIGINT waits for requests in flight and background tasks before the process
 * exits anyway: a request that never ends must not keep a server an orchestrator asked to stop.
 */
export const SHUTDOWN_DEADLINE_MS = 20_000;

/** SIGTERM/SIGINT close what runs, within SHUTDOWN_DEADLINE_MS, then the process exits. */
function stopOnSignal(close: () => Promise<void>, what: string, io: Io): void {
  const stop = () => {
    setTimeout(() => {
      io.err(`earthid: ${what} did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    close().then(
      () => process.exit(0),
      (error: Error) => {
        io.err(`earthid: ${what} failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Runs one CLI command; resolves to the process exit code (the server keeps running after 0). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    // Help needs no configuration: it must work even where the environment is wrong.
    io.out(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  try {
    const config = loadConfig();
    // Loaded only once the configuration is known to be good: a refused setting answers at once.
    const { openMigratedServices } = await import("../app/compose.js");
    const { startServer } = await import("../app/server.js");
    // What the services cannot tell a caller goes to stderr, as the command's own errors do.
    const log = { warn: (_details: object, message: string) => io.err(`earthid: ${message}\n`), error: (_details: object, message: string) => io.err(`earthid: ${message}\n`) };
    // Store commands: a migrated store for the command's duration, closed whatever happens.
    const withStore = async (command: (services: Services) => Promise<number>): Promise<number> => {
      const services = await openMigratedServices(config, { log });
      try {
        return await command(services);
      } finally {
        await services.close();
      }
    };
    switch (command) {
      case "serve": {
        const server = await startServer(config, io.out);
        // 0 once everything in flight finished; 1 when the deadline cut something off (the log says what).
        const stop = () => {
          server.shutDown(SHUTDOWN_DEADLINE_MS).then(
            (report) => process.exit(report.clean ? 0 : 1),
            (error: Error) => {
              io.err(`earthid: shutdown failed: ${error.message}\n`);
              process.exit(1);
            },
          );
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
        return 0;
      }
      case "worker": {
        const { startWorker } = await import("../app/worker.js");
        const worker = await startWorker(config);
        stopOnSignal(() => worker.close(), "stopping the worker", io);
        return 0;
      }
      case "migrate":
        return await withStore(async ({ store }) => {
          io.out(`migrations applied (${store.kind})\n`);
          return 0;
        });
      case "integrations":
        if (rest[0] === "update") return await withStore(({ integrations, config }) => updateIntegrationCommand({ integrations, config }, rest.slice(1), io));
        if (rest[0] === "test-webhook") return await withStore(({ integrations, config }) => testWebhookCommand({ integrations, config }, rest.slice(1), io));
        if (rest[0] === "policy") return await withStore((services) => policyCommand({ policies: services.policies, inForce: policyInForce(services) }, rest.slice(1), io));
        return await withStore(({ integrations, config }) => integrationCommands(integrations, rest, io, config));
      case "sessions":
        if (rest[0] === "replay") {
          // One engine worker is enough for one replay, and loads faster than the server's pool.
          const services = await openMigratedServices(config, { log }, { engine: engineWorkers(1) });
          try {
            return await replayCommand(services, rest.slice(1), io);
          } finally {
            await services.close();
          }
        }
        return await withStore(({ lifecycle, audit }) => sessionCommands({ lifecycle, audit }, rest, io));
      case "webhooks":
        return await withStore(({ webhooks, config }) => webhookCommands({ webhooks, pollMs: config.webhookPollMs }, rest, io));
      case "jobs":
        return await withStore(({ jobs, config }) => jobCommands({ jobs, pollMs: config.jobPollMs }, rest, io));
      case "audit":
        return await withStore(({ auditTrail }) => auditCommands(auditTrail, rest, io));
      case "reviewers":
        return await withStore((services) => reviewerCommands(reviewerAccountsFor(services), rest, io));
      case "keys":
        return await withStore((services) => keyCommands(services, rest, io));
      default:
        io.err(`earthid: unknown command "${command}"\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TypeError) {
      io.err(`earthid: ${error.message}\n`);
      return 2;
    }
    io.err(`earthid: ${(error as Error).message}\n`);
    return 1;
  }
}

