import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { integratorActor } from "../http/integrator-api.js";
import { MAX_LIST, type WebhookService } from "./service.js";
import { DeliveryView } from "./schemas.js";
import { EXTENSION_SIGNING, ErrorBody, extensionAuthHeaders } from "../http/route-schemas.js";

export const ListDeliveriesQuery = Type.Object({
  sessionId: Type.Optional(Type.String({ format: "uuid" })),
  limit: Type.Optional(Type.String({ pattern: `^([1-9]\\d{0,2})$`, description: `default 100; at most ${MAX_LIST} are returned` })),
});

export const DeliveryList = Type.Object({ status: Type.Literal("success"), deliveries: Type.Array(DeliveryView) });
export const DeliveryEnvelope = Type.Object({ status: Type.Literal("success"), delivery: DeliveryView });

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 415: ErrorBody };

/** The integration's webhook deliveries: what was sent, how it went, and a way to send one again. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  app.get("/webhooks/deliveries", {
    schema: {
      summary: "List webhook deliveries",
      description:
        `EarthID extension. The integration's deliveries, newest first, optionally of one session. ${EXTENSION_SIGNING}`,
      tags: ["webhooks"],
      headers: extensionAuthHeaders,
      querystring: ListDeliveriesQuery,
      response: { 200: DeliveryList, ...errors },
    },
    config: { signed: { timestamped: "extension" } },
    handler: async (request) => {
      const { sessionId, limit } = request.query;
      const deliveries = await webhooks.listDeliveries({
        integrationId: request.integration!.id,
        ...(sessionId !== undefined ? { sessionId: sessionId.toLowerCase() } : {}),
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
      });
      return { status: "success" as const, deliveries };
    },
  });

  app.post("/webhooks/deliveries/:id/resend", {
    schema: {
      summary: "Re-send a webhook delivery",
      description:
        `EarthID extension. Makes the delivery due now with its original body, even if it was delivered or failed; answers 202 and the delivery. ${EXTENSION_SIGNING} The body is \`{}\` or empty. 409 when the body was erased with the session's data.`,
      tags: ["webhooks"],
      headers: extensionAuthHeaders,
      params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
      response: { 202: DeliveryEnvelope, ...errors },
    },
    config: { signed: { timestamped: "extension" } },
    handler: async (request, reply) => {
      const delivery = await webhooks.resend({ id: request.params.id, actor: integratorActor(request) });
      return reply.code(202).send({ status: "success" as const, delivery });
    },
  });
};
