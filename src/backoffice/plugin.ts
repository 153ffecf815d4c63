import type { FastifyInstance } from "fastify";
import type { Scope } from "../scopes/scope.js";
import { backofficeDepsFor } from "./adapter.js";
import { assetRoutes } from "./assets.js";
import { casesRepo } from "./cases-repo.js";
import type { BackofficeDeps } from "./deps.js";
import { authRoutes } from "./http/auth-routes.js";
import { operationsRoutes } from "./http/operations-routes.js";
import { reviewRoutes } from "./http/review-routes.js";
import { installScope } from "./http/scope.js";
import { operations } from "./operations.js";
import { reviewDesk } from "./review.js";

/** The back-office door: `/admin`, its own cookies, CSRF, headers and error pages, over BackofficeDeps. */
export async function backoffice(app: FastifyInstance, deps: BackofficeDeps): Promise<void> {
  const desk = reviewDesk({ sessions: deps.sessions, cases: casesRepo(deps.db) });
  const ops = operations(deps);
  await app.register(
    async (scope) => {
      installScope(scope, deps);
      await scope.register(assetRoutes);
      await scope.register(authRoutes, deps);
      await scope.register(reviewRoutes, { deps, desk });
      await scope.register(operationsRoutes, { deps, ops });
    },
    { prefix: "/admin" },
  );
}

/**
 * The back-office as a scope of access (app/http.ts, SCOPES): a reviewer's cookie session turned
 * into a reviewer actor, over the same services as every other door.
 */
export const backofficeScope: Scope = {
  name: "backoffice",
  register: (app, { services }) => backoffice(app, backofficeDepsFor(services)),
};
