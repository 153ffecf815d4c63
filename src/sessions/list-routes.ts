import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { LIST_MAX_LIMIT, type SessionList } from "./list.js";
import { ErrorBody, SessionEnvelope, SessionStatusSchema } from "./schemas.js";
import { EXTENSION_SIGNING, extensionAuthHeaders } from "../http/route-schemas.js";

const ListQuerystring = Type.Object(
  {
    vendorData: Type.Optional(Type.String({ maxLength: 1000, description: "Exact match" })),
    status: Type.Optional(SessionStatusSchema()),
    limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$", description: `1 to ${LIST_MAX_LIMIT}, default 20` })),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: "^[A-Za-z0-9_-]+$", description: "nextCursor of the previous page" })),
  },
  { additionalProperties: false },
);

const ListItem = Type.Object({
  ...SessionEnvelope.properties.verification.properties,
  createdAt: Type.String({ description: "ISO 8601" }),
  updatedAt: Type.String({ description: "ISO 8601" }),
});

const ListResponse = Type.Object({
  status: Type.Literal("success"),
  verifications: Type.Array(ListItem),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: "Pass as cursor for the next page; null on the last page" }),
});

export const sessionListRoutes: FastifyPluginAsyncTypebox<{ list: SessionList }> = async (app, { list }) => {
  app.get("/sessions", {
    schema: {
      summary: "List the integration's sessions",
      description:
        `EarthID extension (Veriff has none). Newest first; deleted sessions are not listed. ${EXTENSION_SIGNING} ` +
        "Unknown parameters are refused (1104). Page with `cursor` = the previous page's nextCursor.",
      tags: ["sessions"],
      headers: extensionAuthHeaders,
      querystring: ListQuerystring,
      response: { 200: ListResponse, 400: ErrorBody, 401: ErrorBody },
    },
    config: { signed: { timestamped: "extension" } },
    handler: async (request) => list.list(request.integration!.id, request.query),
  });
};
