import { opsRoutes } from "../ops/routes.js";
import type { Scope } from "./scope.js";

/**
 * Operations: /health and /ready without credentials (load balancers), /metrics behind its own
 * bearer token when one is set, the OpenAPI document. JSON errors as the API's. Readiness watches
 * the store, the media worker threads the integrator scope's uploads wait on, and the engine's
 * models in an instance that runs engine workers.
 */
export const operationsScope: Scope = {
  name: "operations",
  async register(app, { services, config, metrics }) {
    await app.register(opsRoutes, { store: services.store, metrics, metricsToken: config.metricsToken, work: services.mediaWork, engine: services.engine });
  },
};
