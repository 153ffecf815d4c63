import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import type { Scope } from "../scopes/scope.js";
import { backofficeDepsFor } from "./adapter.js";
import { assetRoutes } from "./assets.js";
import { casesRepo } from "./cases-repo.js";
import type { BackofficeDeps } from "./deps.js";
import { authRoutes } from "./http/auth-routes.js";
import { type Door, door } from "./http/door.js";
import { operationsRoutes } from "./http/operations-routes.js";
import { reviewRoutes } from "./http/review-routes.js";
import { installScope } from "./http/scope.js";
import { operations } from "./operations.js";
import { reviewDesk } from "./review.js";

/** The back-office door: under its prefix, its own cookies, CSRF, headers and error pages, over BackofficeDeps. */
export async function backoffice(app: FastifyInstance, deps: BackofficeDeps, at: Door): Promise<void> {
  const desk = reviewDesk({ sessions: deps.sessions, cases: casesRepo(deps.db) });
  const ops = operations(deps);
  await app.register(
    async (scope) => {
      await installScope(scope, deps, at);
      await scope.register(assetRoutes);
      await scope.register(authRoutes, { deps, door: at });
      await scope.register(reviewRoutes, { deps, desk, door: at });
      await scope.register(operationsRoutes, { deps, ops, door: at });
    },
    // At the root of its own port, the back-office's routes are the port's.
    { prefix: at.prefix === "/" ? "" : at.prefix },
  );
}

/** Where the back-office is reached: under EARTHID_ADMIN_PREFIX, at the URL of the port it is served on. */
export const backofficeDoor = (config: Pick<Config, "adminPrefix" | "adminPort" | "adminPublicUrl" | "publicUrl">): Door =>
  door(config.adminPrefix, config.adminPort === undefined ? config.publicUrl : config.adminPublicUrl);

/**
 * The back-office as a scope of access (app/http.ts, SCOPES): a reviewer's cookie session turned
 * into a reviewer actor, over the same services as every other door.
 */
export const backofficeScope: Scope = {
  name: "backoffice",
  register: (app, { services, config }) => backoffice(app, backofficeDepsFor(services), backofficeDoor(config)),
};
