import type { FastifyInstance } from "fastify";
import type { BackofficeDeps } from "../deps.js";
import { refuse } from "../errors.js";
import type { Operations } from "../operations.js";
import { deliveriesPage, integrationsPage } from "../pages/operations.js";
import { notices } from "./review-routes.js";
import { actor, pageContext, sendPage } from "./scope.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Administrators' pages. */
export async function operationsRoutes(app: FastifyInstance, { deps, ops }: { deps: BackofficeDeps; ops: Operations }): Promise<void> {
  const admin = { config: { access: "admin" as const } };

  app.get("/integrations", admin, async (request, reply) => sendPage(reply, integrationsPage(pageContext(request, deps), await ops.integrations(actor(request)))));

  app.get("/deliveries", admin, async (request, reply) =>
    sendPage(reply, deliveriesPage(pageContext(request, deps), await ops.deliveries(actor(request)), notices(request.query as Record<string, string>))),
  );

  app.post("/deliveries/:id/resend", admin, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw refuse("NOT_FOUND");
    await ops.resend(actor(request), id);
    return reply.redirect("/admin/deliveries?done=resent", 303);
  });
}
