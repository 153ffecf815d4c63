import type { FastifyInstance } from "fastify";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { ATTEMPT_OUTCOMES, type EndedAttempt } from "../webhooks/dispatcher.js";

/** Prometheus metrics: requests and latency per route, sessions created, webhook attempts, process defaults. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: "earthid_http_requests_total", help: "HTTP requests answered", labelNames: ["method", "route", "status"] as const, registers: [registry] });
  const latency = new Histogram({
    name: "earthid_http_request_duration_seconds",
    help: "Time from request to response",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const sessionsCreated = new Counter({ name: "earthid_sessions_created_total", help: "Verification sessions created", labelNames: ["mode"] as const, registers: [registry] });
  const webhookAttempts = new Counter({
    name: "earthid_webhook_attempts_total",
    help: "Webhook delivery attempts, by kind and what came of them",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  const webhookDuration = new Histogram({
    name: "earthid_webhook_delivery_seconds",
    help: "Time one webhook attempt took, to the receiver's complete answer or the failure",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Every series exists from the start, at 0, so that rate() and alerts see the first attempt.
  for (const kind of ["event", "decision"]) for (const outcome of ATTEMPT_OUTCOMES) webhookAttempts.inc({ kind, outcome }, 0);
  // Label children are looked up once per (method, route, status), not hashed on every request.
  const requestChildren = new Map<string, Counter.Internal>();
  const latencyChildren = new Map<string, Histogram.Internal<"method" | "route">>();

  return {
    registry,
    sessionCreated(isTest: boolean) {
      sessionsCreated.inc({ mode: isTest ? "test" : "live" });
    },
    webhookAttemptEnded({ kind, outcome, durationMs }: EndedAttempt) {
      webhookAttempts.inc({ kind, outcome });
      webhookDuration.observe(durationMs / 1000);
    },
    install(app: FastifyInstance) {
      app.addHook("onResponse", (request, reply, done) => {
        const route = request.routeOptions.url ?? "unmatched";
        const key = `${request.method} ${route}`;
        let timer = latencyChildren.get(key);
        if (!timer) latencyChildren.set(key, (timer = latency.labels(request.method, route)));
        timer.observe(reply.elapsedTime / 1000);
        const statusKey = `${key} ${reply.statusCode}`;
        let counter = requestChildren.get(statusKey);
        if (!counter) requestChildren.set(statusKey, (counter = requests.labels(request.method, route, String(reply.statusCode))));
        counter.inc();
        done();
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
