import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import type { Metrics } from "../ops/metrics.js";
import type { Services } from "../services.js";

/** What a scope of access is given: the services (never a request), the settings and the metrics. */
export interface ScopeContext {
  services: Services;
  config: Config;
  metrics: Metrics;
}

/**
 * A scope of access: one door in front of the same services, with its own authentication, headers
 * and error shape, registered as an encapsulated Fastify plugin so that its hooks (onRequest
 * authentication, a CSP of its own, `setErrorHandler` for HTML errors) reach its own routes only.
 * It turns its credentials into an Actor (audit/events.ts) and hands that to the services.
 * The scopes served are listed once, in app/http.ts (SCOPES).
 */
export interface Scope {
  name: string;
  register(app: FastifyInstance, context: ScopeContext): Promise<void>;
}
