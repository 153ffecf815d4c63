import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Config } from "../config.js";
import { answerClientError, answerRouterError, installErrorHandling } from "../http/errors-plugin.js";
import { acceptJsonKeepingRawBody } from "../http/json-body.js";
import { refuseControlCharactersInUrls } from "../http/control-chars.js";
import { securityHeaders } from "../http/security-headers.js";
import { OneLineRequestLog, loggerOptions } from "../http/access-log.js";
import { createMetrics } from "../ops/metrics.js";
import type { Observers, Services } from "./compose.js";
import { integratorScope } from "../scopes/integrator.js";
import { operationsScope } from "../scopes/operations.js";
import { backofficeScope } from "../backoffice/plugin.js";
import type { Scope } from "../scopes/scope.js";
import { flowScope } from "../flow/scope.js";
import { backgroundTasks } from "./background.js";
import { type ShutdownReport, inFlightCounter, shutDown } from "./shutdown.js";

/**
 * The doors in front of the services, in the order they are registered: operations, the integrator
 * API, and the hosted flow (src/flow/: pages under /v/<sessionToken> and a flow API whose actor is
 * the session's end user, from sessions.endUserOf). The back-office (/admin: cookie session, CSRF,
 * a reviewer actor) comes in as one more Scope here.
 */
  const SCOPES: readonly Scope[] = [operationsScope, integratorScope, flowScope, backofficeScope];

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export interface BuiltApp {
  app: FastifyInstance;
  services: Services;
  /** Stops the app as SIGTERM asks (shutdown.ts): finishes what is in flight within `deadlineMs`, logs it. */
  shutDown(deadlineMs: number): Promise<ShutdownReport>;
  /** The back-office on its own port (EARTHID_ADMIN_PORT), not listening yet; closed with `app`. */
  admin: FastifyInstance | undefined;
}

/** Fastify with what every listening port shares: logging, request ids, proxies, validation, framework errors. */
function fastify(config: Config) {
  return Fastify({
    logger: loggerOptions(config.logLevel),
    genReqId: () => randomUUID(),
    logController: new OneLineRequestLog(),
    bodyLimit: config.bodyLimit,
    // A hop count is "believe the nearest N proxies", in the function form Fastify's types accept.
    trustProxy: typeof config.trustProxy === "number" ? trustHops(config.trustProxy) : config.trustProxy,
    // Values are validated as sent: "123" is not a number and 123 is not a string (vendorData → 1501).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/** The headers and refusals every answer of every port carries (README, Security). */
function sharedPlumbing(app: FastifyInstance, config: Config): void {
  securityHeaders(app, "default-src 'none'; frame-ancestors 'none'", {
    frameguard: { action: "deny" },
    hsts: config.publicUrl.startsWith("https://") ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  installErrorHandling(app);
  refuseControlCharactersInUrls(app);
}

/**
 * The HTTP service: Fastify with the plumbing every scope shares, the services `openServices`
 * builds (given the app's logger and metrics), each scope of access as its plugin, and the background tasks,
 * started when the app is ready and stopped when it closes.
 */
export async function buildApp(config: Config, openServices: (observers: Observers) => Services | Promise<Services>): Promise<BuiltApp> {
  const app = fastify(config);

  const metrics = createMetrics();
  // Whoever asked for the app closes the services, after it: a closed app leaves the store open.
  const services = await openServices({ log: app.log, metrics });

  // First of the onRequest hooks: whatever answers a request, it carries these (README, Security).
  // The API answers JSON only; /docs (below) brings its own CSP for the Swagger UI assets, and a
  // scope with pages of its own replaces CSP and frame headers in its scope (scopeSecurityHeaders).
  sharedPlumbing(app, config);
  const tasks = backgroundTasks(services, metrics, app.log);
  const inFlight = inFlightCounter(app, tasks);
  acceptJsonKeepingRawBody(app);
  metrics.install(app);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "EarthID Verify API", version: "1", description: "Identity verification sessions, wire-compatible with Veriff's public API v1 (also served under /v1)." },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "X-AUTH-CLIENT" }, signature: { type: "apiKey", in: "header", name: "X-HMAC-SIGNATURE" } } },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    staticCSP: true,
    // No outside calls: Swagger UI's validator badge would send the spec's URL to validator.swagger.io.
    uiConfig: { validatorUrl: null },
    // Over plain http (a LAN install) upgrade-insecure-requests would turn the assets into https fetches that fail.
    transformStaticCSP: (header) => {
      const csp = header.replace(/ validator\.swagger\.io/g, "");
      return config.publicUrl.startsWith("https://") ? csp : csp.replace(/\s*upgrade-insecure-requests;?/, "");
    },
  });
  // With EARTHID_ADMIN_PORT the back-office is a second server of its own, and absent from this one.
  const ownPort = config.adminPort !== undefined;
  for (const scope of SCOPES) if (!(ownPort && scope === backofficeScope)) await scope.register(app, { services, config, metrics });
  let admin: FastifyInstance | undefined;
  if (ownPort) {
    admin = fastify(config);
    sharedPlumbing(admin, config);
    await backofficeScope.register(admin, { services, config, metrics });
    app.addHook("onClose", async () => void (await admin!.close()));
  }

  // Fastify waits for the requests in flight before it closes: a media task that never ended would
  // hold the server open for good, so the media pool's close deadline starts with the shutdown
  // (the threads are ended that long after, whatever they do; the services are still closed by the caller).
  app.addHook("preClose", async () => services.mediaWork.shuttingDown());

  app.addHook("onReady", async () => tasks.forEach((task) => task.start()));
  app.addHook("preClose", async () => void (await Promise.all(tasks.map((task) => task.stop()))));
  return { app, services, admin, shutDown: (deadlineMs) => shutDown(app, inFlight, deadlineMs) };
}
