import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Runtime } from "./runtime.js";
import { answerClientError, answerRouterError, installErrorHandling } from "./http/errors-plugin.js";
import { acceptJsonKeepingRawBody } from "./http/json-body.js";
import { refuseControlCharactersInUrls } from "./http/control-chars.js";
import { securityHeaders } from "./http/security-headers.js";
import { OneLineRequestLog, loggerOptions } from "./http/access-log.js";
import { registerIntegratorApi } from "./api.js";
import { backgroundTasks } from "./background.js";
import { sessionRepo } from "./sessions/repo.js";
import { sessionService } from "./sessions/service.js";
import { sessionTokens } from "./sessions/token.js";
import { createMetrics } from "./ops/metrics.js";
import { opsRoutes } from "./ops/routes.js";
import { type MediaWork, mediaWork } from "./media/work.js";

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export interface AppOptions {
  /** The media worker threads; made here unless given (tests give a pool that never answers). */
  work?: MediaWork;
}

export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config, store, masterKey, tokenSecret } = runtime;
  const app = Fastify({
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

  const metrics = createMetrics();
  const sessions = sessionService({
    repo: sessionRepo(store.db, store.kind),
    tokens: sessionTokens(tokenSecret),
    masterKey,
    publicUrl: config.publicUrl,
    onCreated: (integration) => metrics.sessionCreated(integration.isTest),
  });

  // First of the onRequest hooks: whatever answers a request, it carries these (README, Security).
  // The API answers JSON only; /docs (below) brings its own CSP for the Swagger UI assets.
  securityHeaders(app, "default-src 'none'; frame-ancestors 'none'", {
    frameguard: { action: "deny" },
    hsts: config.publicUrl.startsWith("https://") ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  installErrorHandling(app);
  refuseControlCharactersInUrls(app);
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
  // Uploads, sealing and opening of media run in worker threads, closed with the server; readiness watches them.
  const work = options.work ?? mediaWork();
  // Fastify waits for requests in flight before onClose: a media task that never ended would hold
  // the server open for good, so the pool's own close deadline starts with the shutdown.
  app.addHook("preClose", async () => work.shuttingDown());
  app.addHook("onClose", () => work.close());
  await app.register(opsRoutes, { store, metrics, metricsToken: config.metricsToken, work });

  await registerIntegratorApi(app, { runtime, sessions, work });

  const tasks = backgroundTasks(runtime, app.log, { webhookAttemptEnded: (attempt) => metrics.webhookAttemptEnded(attempt) });
  app.addHook("onReady", async () => tasks.forEach((task) => task.start()));
  app.addHook("preClose", async () => void (await Promise.all(tasks.map((task) => task.stop()))));
  return app;
}
