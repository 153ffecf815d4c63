import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { apiError } from "../errors.js";
import { ErrorBody } from "../http/route-schemas.js";
import type { FlowDeps, FlowSession, FlowUploadContent } from "./deps.js";
import { handoffQrCode } from "./handoff-qr.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The session the request's token opened (flow API only). */
    flowSession: FlowSession | null;
    flowContent: FlowUploadContent;
  }
}

/** What the flow uploads: the document's sides and the selfie. */
export const FLOW_CONTEXTS = ["document-front", "document-back", "face"] as const;
/** Downscaled in the browser, a capture is a few hundred kilobytes; an iPhone HEIC sent as is, a few MB. */
export const FLOW_UPLOAD_LIMIT = 16 * 1024 * 1024;
const TOKEN = /^Bearer ([A-Za-z0-9_-]{1,1024}\.[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,512})$/;

const Progress = Type.Object({ status: Type.Literal("success"), session: Type.Object({ status: Type.String(), captured: Type.Array(Type.String()) }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 429: ErrorBody };
const progressOf = (session: FlowSession) => ({ status: "success" as const, session: { status: session.status, captured: session.captured } });

/**
 * The end user's API, scoped by the session token in `Authorization: Bearer` (never in a URL, so
 * never in a log or a Referer): open the attempt, upload an image, submit. Same services, same error
 * bodies as the integrator API; rate-limited per session, in the store (across instances).
 */
export const flowApiRoutes: FastifyPluginAsyncTypebox<{ deps: FlowDeps }> = async (app, { deps }) => {
  app.decorateRequest("flowSession", null);
  app.decorateRequest("flowContent", null);
  app.addHook("onRequest", async (request: FastifyRequest, reply) => {
    reply.header("cache-control", "no-store");
    const token = TOKEN.exec(request.headers.authorization ?? "")?.[1];
    const resolved = token ? await deps.resolveToken(token) : { state: "invalid" as const };
    if (resolved.state === "expired") throw apiError("FLOW_TOKEN_EXPIRED");
    if (resolved.state !== "valid") throw apiError("FLOW_TOKEN_INVALID");
    await deps.countRequest(resolved.session.id);
    request.flowSession = resolved.session;
  });
  const ref = (request: FastifyRequest) => ({ sessionId: request.flowSession!.id, integrationId: request.flowSession!.integrationId });
  const current = async (request: FastifyRequest) => {
    const session = await deps.state(ref(request));
    if (!session) throw apiError("FLOW_TOKEN_INVALID");
    return progressOf(session);
  };

  app.post("/start", {
    schema: { summary: "Open the flow: the session becomes started (7001)", tags: ["flow"], response: { 200: Progress, ...errors } },
    handler: async (request) => {
      await deps.openFlow(ref(request));
      return current(request);
    },
  });

  app.get("/progress", {
    schema: { summary: "The session's status and the images of its current attempt", tags: ["flow"], response: { 200: Progress, ...errors } },
    handler: (request) => current(request),
  });

  app.post("/submit", {
    schema: { summary: "Submit the attempt (7002), as PATCH status=submitted does", tags: ["flow"], response: { 200: Progress, ...errors } },
    handler: async (request) => {
      const missing = ["document-front", "face"].filter((context) => !request.flowSession!.captured.includes(context));
      // A status that cannot be submitted is refused by the lifecycle itself (1304), as PATCH is.
      if (["created", "started", "resubmission_requested"].includes(request.flowSession!.status) && missing.length > 0) throw apiError("FLOW_INCOMPLETE", { what: missing.join(" and ") });
      await deps.submit(ref(request));
      return current(request);
    },
  });

  app.post("/handoff", {
    schema: {
      summary: "A short link (and its QR code) that continues this session on a phone, valid for an hour",
      tags: ["flow"],
      response: { 201: Type.Object({ status: Type.Literal("success"), url: Type.String(), qrCode: Type.String({ description: "SVG as a data: URI" }) }), ...errors },
    },
    handler: async (request, reply) => {
      const url = `${deps.publicUrl}/v/${await deps.createHandoff(ref(request))}`;
      return reply.code(201).send({ status: "success", url, qrCode: await handoffQrCode(url) });
    },
  });

  await app.register(async (scope) => {
    const upload = scope.withTypeProvider<TypeBoxTypeProvider>();
    // The body is parsed, its base64 decoded and hashed by the media worker, off the event loop.
    upload.removeContentTypeParser("application/json");
    upload.addContentTypeParser("application/json", { parseAs: "buffer" }, async (request: FastifyRequest, raw: Buffer) => {
      const decoded = await deps.decodeUpload(raw);
      if (decoded.error) throw decoded.error;
      request.flowContent = decoded.content ?? null;
      return decoded.body;
    });
    upload.post("/media", {
      schema: {
        summary: "One image into the current attempt",
        tags: ["flow"],
        body: Type.Object({ image: Type.Object({ context: Type.String({ enum: [...FLOW_CONTEXTS] }), content: Type.String() }) }),
        response: { 201: Type.Object({ status: Type.Literal("success"), image: Type.Object({ id: Type.String(), context: Type.String() }) }), ...errors },
      },
      bodyLimit: FLOW_UPLOAD_LIMIT,
      handler: async (request, reply) => {
        const { id } = await deps.uploadImage(ref(request), request.body.image.context, request.flowContent);
        return reply.code(201).send({ status: "success", image: { id, context: request.body.image.context } });
      },
    });
  });
};
