import { opsRoutes } from "../ops/routes.js";
import type { Scope } from "./scope.js";

/**
 * Operations: /health and /ready without credentials (load balancers), /metrics behind its own
 * bearer token when one is set, the OpenAPI document. JSON errors as the API's.
 */
export const operationsScope: Scope = {
  name: "operations",
  async register(app, { services, config, metrics }) {
    await app.register(opsRoutes, { store: services.store, metrics, metricsToken: config.metricsToken });
  },
};
