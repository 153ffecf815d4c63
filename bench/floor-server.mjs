// A lower bound for bench/create-session.ts: the bare route (bare-server.mjs) plus only the duties the
// foundation issue puts on every response, each done the cheapest way we know, and nothing else: no
// store, no validation, no token, no sealing. If this server cannot reach half of the bare route's
// throughput, no handler behind it can. Plain JavaScript, the same Fastify. Env: PORT, CANNED_SIZE,
// FLOOR_DUTIES (comma list of key,sign,headers,log,metrics; default all).
import { createHmac, randomUUID } from "node:crypto";
import Fastify from "fastify";
import helmet from "helmet";
import { Counter, Histogram, Registry } from "prom-client";
import { serveCanned } from "./canned-route.mjs";

const duties = new Set((process.env.FLOOR_DUTIES ?? "key,sign,headers,log,metrics").split(",").filter(Boolean));

// Any API key is accepted once, then served from this map: the cached key lookup, without a store.
const integrations = new Map();
const secret = Buffer.from("0123456789abcdef0123456789abcdef");

const app = Fastify({ logger: duties.has("log") ? { level: "info" } : false, disableRequestLogging: true, genReqId: () => randomUUID() });

if (duties.has("key")) {
  app.decorateRequest("integration", null);
  app.addHook("onRequest", (request, reply, done) => {
    if (request.url === "/health") return done();
    const apiKey = request.headers["x-auth-client"];
    if (typeof apiKey !== "string") return void reply.code(401).send({ status: "fail", code: "1801" });
    let integration = integrations.get(apiKey);
    if (!integration) integrations.set(apiKey, (integration = { apiKey, secret }));
    request.integration = integration;
    done();
  });
}
if (duties.has("headers")) {
  // The same helmet set the service sends, worked out once.
  const headers = {};
  const response = { setHeader: (name, value) => void (headers[name.toLowerCase()] = String(value)), removeHeader: (name) => void delete headers[name.toLowerCase()] };
  helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }, hsts: false })({}, response, () => {});
  headers["cache-control"] = "no-store";
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
if (duties.has("sign")) {
  app.addHook("onSend", (request, reply, payload, done) => {
    const signature = createHmac("sha256", request.integration?.secret ?? secret).update(payload).digest("hex");
    const apiKey = request.integration?.apiKey ?? "";
    reply.header("x-auth-client", apiKey).header("vrf-auth-client", apiKey).header("x-hmac-signature", signature).header("vrf-hmac-signature", signature);
    done(null, payload);
  });
}
if (duties.has("log") || duties.has("metrics")) {
  const registry = new Registry();
  const requests = new Counter({ name: "requests_total", help: "requests", labelNames: ["method", "route", "status"], registers: [registry] }).labels("POST", "/earthid/api/sessions", "201");
  const latency = new Histogram({ name: "latency_seconds", help: "latency", labelNames: ["method", "route"], registers: [registry] }).labels("POST", "/earthid/api/sessions");
  app.addHook("onResponse", (request, reply, done) => {
    if (duties.has("log")) request.log.info({ req: { method: request.method, url: request.url, remoteAddress: request.ip }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, "request completed");
    if (duties.has("metrics")) {
      requests.inc();
      latency.observe(reply.elapsedTime / 1000);
    }
    done();
  });
}

await serveCanned(app);
