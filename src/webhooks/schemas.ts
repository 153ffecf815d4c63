import { type Static, Type } from "typebox";
import { nullable } from "../http/route-schemas.js";
import { DELIVERY_STATUSES, type DeliveryStatus, WEBHOOK_KINDS, type WebhookKind } from "../store/schema.js";

/** A delivery as the API and the CLI show it; never the body (it holds personal data). nextAttemptAt is null unless pending. */
export const DeliveryView = Type.Object({
  id: Type.String({ format: "uuid" }),
  sessionId: Type.String({ format: "uuid" }),
  kind: Type.Unsafe<WebhookKind>(Type.String({ enum: [...WEBHOOK_KINDS] })),
  code: Type.Integer(),
  url: Type.String(),
  status: Type.Unsafe<DeliveryStatus>(Type.String({ enum: [...DELIVERY_STATUSES] })),
  attempts: Type.Integer(),
  lastStatusCode: nullable(Type.Integer()),
  lastError: nullable(Type.String()),
  lastAttemptAt: nullable(Type.String({ format: "date-time" })),
  nextAttemptAt: nullable(Type.String({ format: "date-time" })),
  deliveredAt: nullable(Type.String({ format: "date-time" })),
  createdAt: Type.String({ format: "date-time" }),
});
export type DeliveryView = Static<typeof DeliveryView>;
