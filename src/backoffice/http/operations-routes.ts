import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BackofficeDeps } from "../deps.js";
import { refuse } from "../errors.js";
import type { Operations } from "../operations.js";
import { type ShownSecret, deliveriesPage, integrationsPage } from "../pages/operations.js";
import { integrationPage } from "../pages/integration.js";
import { policyChangeOf } from "./policy-form.js";
import { overviewPage } from "../pages/overview.js";
import { overview } from "../overview.js";
import { Refusal } from "../errors.js";
import { notices } from "./review-routes.js";
import type { Door } from "./door.js";
import { actor, pageContext, sendPage } from "./scope.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Administrators' pages. */
export async function operationsRoutes(app: FastifyInstance, { deps, ops, door }: { deps: BackofficeDeps; ops: Operations; door: Door }): Promise<void> {
  const { adminPath } = door;
  const admin = { config: { access: "admin" as const } };

  const integrationsWith = async (request: FastifyRequest, reply: FastifyReply, shown?: ShownSecret) =>
    sendPage(reply, integrationsPage(pageContext(request, door), await ops.integrations(actor(request)), shown, notices(request.query as Record<string, string>)));
  const integrationId = (request: FastifyRequest) => {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw refuse("NOT_FOUND");
    return id.toLowerCase();
  };
  const nameOf = async (request: FastifyRequest, id: string) => (await ops.integrations(actor(request))).find((i) => i.id === id)?.name ?? id;

  const figures = overview(deps);
  app.get("/overview", admin, async (request, reply) => sendPage(reply, overviewPage(pageContext(request, door), await figures(actor(request)))));

  app.get("/integrations", admin, async (request, reply) => integrationsWith(request, reply));

  app.post("/integrations", admin, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    const url = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
    const created = await ops.createIntegration(actor(request), {
      name: form.name ?? "",
      callbackUrl: url(form.callbackUrl),
      decisionWebhookUrl: url(form.decisionWebhookUrl),
      eventWebhookUrl: url(form.eventWebhookUrl),
      isTest: form.isTest === "1",
      frameAncestors: form.frameAncestors?.trim() || undefined,
    });
    return integrationsWith(request, reply, { integrationName: created.name, secret: created.sharedSecret, why: "Integration created." });
  });

  /** One integration's page, with its decision policy; `options` adds a test webhook's answers or a refusal. */
  const integrationWith = async (request: FastifyRequest, reply: FastifyReply, id: string, options: Parameters<typeof integrationPage>[3] = {}, status = 200) => {
    const who = actor(request);
    const [found, policy] = await Promise.all([ops.integration(who, id), ops.policy(who, id)]);
    return sendPage(reply, integrationPage(pageContext(request, door), found, policy, options), status);
  };
  /** Bad input is answered with the page again, saying what was refused and why; nothing was changed. */
  const orRefusal = async (request: FastifyRequest, reply: FastifyReply, id: string, work: () => Promise<unknown>) => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof Refusal) || error.refusal !== "BAD_INPUT") throw error;
      return integrationWith(request, reply, id, { error: error.message }, error.status);
    }
  };

  app.get("/integrations/:id", admin, async (request, reply) => integrationWith(request, reply, integrationId(request), notices(request.query as Record<string, string>)));

  app.post("/integrations/:id", admin, async (request, reply) => {
    const id = integrationId(request);
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    const url = (value: string | undefined) => (value?.trim() ? value.trim() : null);
    return orRefusal(request, reply, id, async () => {
      await ops.updateIntegration(actor(request), id, {
        name: form.name ?? "",
        callbackUrl: url(form.callbackUrl),
        decisionWebhookUrl: url(form.decisionWebhookUrl),
        eventWebhookUrl: url(form.eventWebhookUrl),
        frameAncestors: form.frameAncestors?.trim() ?? "",
        // Checkboxes: sent when ticked, absent when not.
        testMode: form.testMode === "1",
        strictSignatures: form.strictSignatures === "1",
      });
      return reply.redirect(adminPath(`integrations/${id}?done=saved`), 303);
    });
  });

  app.post("/integrations/:id/policy", admin, async (request, reply) => {
    const id = integrationId(request);
    return orRefusal(request, reply, id, async () => {
      await ops.changePolicy(actor(request), id, policyChangeOf((request.body ?? {}) as Record<string, string | undefined>));
      return reply.redirect(adminPath(`integrations/${id}?done=policy`), 303);
    });
  });

  app.post("/integrations/:id/test-webhook", admin, async (request, reply) => {
    const id = integrationId(request);
    return orRefusal(request, reply, id, async () => integrationWith(request, reply, id, { results: await ops.testWebhook(actor(request), id) }));
  });

  app.post("/integrations/:id/reveal", admin, async (request, reply) => {
    const id = integrationId(request);
    const secret = await ops.revealSecret(actor(request), id);
    return integrationsWith(request, reply, { integrationName: await nameOf(request, id), secret, why: "Revealed (this is recorded in the audit trail)." });
  });

  app.post("/integrations/:id/rotate", admin, async (request, reply) => {
    const id = integrationId(request);
    const secret = await ops.rotateSecret(actor(request), id);
    return integrationsWith(request, reply, { integrationName: await nameOf(request, id), secret, why: "Rotated: the old secret no longer works." });
  });

  app.post("/integrations/:id/deactivate", admin, async (request, reply) => {
    await ops.deactivate(actor(request), integrationId(request));
    return reply.redirect(adminPath("integrations?done=deactivated"), 303);
  });

  app.get("/deliveries", admin, async (request, reply) =>
    sendPage(reply, deliveriesPage(pageContext(request, door), await ops.deliveries(actor(request)), notices(request.query as Record<string, string>))),
  );

  app.post("/deliveries/:id/resend", admin, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw refuse("NOT_FOUND");
    await ops.resend(actor(request), id);
    return reply.redirect(adminPath("deliveries?done=resent"), 303);
  });
}
