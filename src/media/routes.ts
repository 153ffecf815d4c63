import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { integratorActor } from "../http/integrator-api.js";
import { validationErrorFormatter } from "../http/validation-errors.js";
import { MEDIA_TYPES } from "./image-check.js";
import { IdParams, MediaList, UploadBody, UploadResponse, uploadRules } from "./schemas.js";
import type { MediaService, UploadContent } from "./service.js";
import type { MediaWork } from "./work.js";
import { type BodySignature, type UploadGate, readSignedBody } from "./upload-gate.js";
import { readRequestStamp, stampMismatch } from "../http/timestamped-auth.js";
import type { IntegrationAuth } from "../integrations/service.js";
import { MAX_BASE64_CHARS } from "./worker.js";
import { ErrorBody, authHeaders } from "../http/route-schemas.js";
import { signatureHeader } from "../http/auth.js";
import { isHexSha256 } from "../crypto/hmac.js";
import { apiError } from "../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** An upload's `image.content`, decoded by the media worker while the body was read. */
    mediaContent: UploadContent;
  }
}

/**
 * Room for the JSON around the largest content, and for clients that escape "/" as "\/" or wrap
 * base64 in lines: past this the body is refused (413) before it is read.
 */
export const UPLOAD_BODY_LIMIT = MAX_BASE64_CHARS + 2 * 1024 * 1024;

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

const binaryContent = Object.fromEntries(MEDIA_TYPES.map((type) => [type, { schema: { type: "string", format: "binary" } }]));

/** The signature the upload must carry: Veriff's over the body, or in strict mode the timestamped one. */
function bodySignature(request: FastifyRequest, integration: IntegrationAuth): BodySignature {
  if (integration.strictSignatures) {
    const stamp = readRequestStamp(request, "strict", Date.now());
    return { secret: integration.secret, signedBefore: stamp.signedBefore, signatures: stamp.v1, mismatch: () => stampMismatch("strict") };
  }
  const signature = signatureHeader(request);
  if (!signature || !isHexSha256(signature)) throw apiError("SIGNATURE_MALFORMED", { over: "the exact request body bytes sent" });
  return { secret: integration.secret, signatures: [signature], mismatch: () => apiError("SIGNATURE_BODY_MISMATCH") };
}

/**
 * The upload, in a scope of its own. Admitted only within the bounds on uploads in flight (429
 * otherwise, before a byte is read); a missing or malformed signature is refused before the body
 * is read; the HMAC is worked out chunk by chunk as the body streams in and compared once its last
 * byte is in, before anything is parsed (an unsigned body is never handed on). Then the media
 * worker parses it, decodes the base64 and hashes the image, off the event loop.
 */
const uploadRoute: FastifyPluginAsyncTypebox<{ media: MediaService; work: MediaWork; gate: UploadGate }> = async (app, { media, work, gate }) => {
  const apiPrefix = app.prefix;
  app.decorateRequest("mediaContent", null);
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", async (request: FastifyRequest, payload: AsyncIterable<Buffer>) => {
    const integration = request.integration;
    if (!integration) throw apiError("AUTH_CLIENT_MISSING");
    const length = request.headers["content-length"] === undefined ? undefined : Number(request.headers["content-length"]);
    const { raw, hmac } = await readSignedBody(payload, length, { limit: UPLOAD_BODY_LIMIT, ...bodySignature(request, integration) });
    request.rawBodyHmac = hmac;
    const decoded = await work.decodeUpload(raw);
    if (decoded.error) throw decoded.error;
    request.mediaContent = decoded.content ?? null;
    return decoded.body;
  });

  app.post("/sessions/:id/media", {
    schema: {
      summary: "Upload one image to the session's current attempt",
      description:
        "Veriff-compatible. X-HMAC-SIGNATURE over the raw body. `content` is base64 or a data URI of a JPEG, PNG, WebP or HEIC image " +
        `(at most ${MAX_BASE64_CHARS} base64 characters); the type is read from the bytes. The first upload of an attempt starts the session.`,
      tags: ["media"],
      headers: authHeaders,
      params: IdParams,
      body: UploadBody,
      response: { 201: UploadResponse, ...errors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: ErrorBody },
    },
    bodyLimit: UPLOAD_BODY_LIMIT,
    onRequest: gate.admit,
    config: { signed: { body: "required" } },
    schemaErrorFormatter: validationErrorFormatter(uploadRules),
    handler: async (request, reply) => {
      const image = { context: request.body.image.context, content: request.mediaContent };
      const result = await media.upload({ actor: integratorActor(request), apiPrefix, sessionId: request.params.id, image });
      return reply.code(201).send(result);
    },
  });
};

/** Veriff's media endpoints (docs/veriff-api.md §4.3, §4.4): upload, the two lists, and the bytes. */
export const mediaRoutes: FastifyPluginAsyncTypebox<{ media: MediaService; work: MediaWork; gate: UploadGate }> = async (app, { media, work, gate }) => {
  const apiPrefix = app.prefix;
  await app.register(uploadRoute, { media, work, gate });

  app.get("/sessions/:id/media", {
    schema: {
      summary: "Media of the session's latest attempt",
      description: "Veriff-compatible. X-HMAC-SIGNATURE is the HMAC of the session id.",
      tags: ["media"],
      headers: authHeaders,
      params: IdParams,
      response: { 200: MediaList, ...errors },
    },
    config: { signed: { param: "id", label: "session id" } },
    handler: async (request) => media.listForSession({ actor: integratorActor(request), apiPrefix, sessionId: request.params.id }),
  });

  app.get("/attempts/:id/media", {
    schema: {
      summary: "Media of one attempt",
      description: "Veriff-compatible. X-HMAC-SIGNATURE is the HMAC of the attempt id.",
      tags: ["media"],
      headers: authHeaders,
      params: IdParams,
      response: { 200: MediaList, ...errors },
    },
    config: { signed: { param: "id", label: "attempt id" } },
    handler: async (request) => media.listForAttempt({ actor: integratorActor(request), apiPrefix, attemptId: request.params.id }),
  });

  app.get("/media/:id", {
    schema: {
      summary: "The bytes of one image, with their content type",
      description: "Veriff-compatible. X-HMAC-SIGNATURE is the HMAC of the media id; the response's signature covers the bytes.",
      tags: ["media"],
      headers: authHeaders,
      params: IdParams,
      response: { 200: { description: "The image as uploaded", content: binaryContent }, ...errors },
    },
    config: { signed: { param: "id", label: "media id" } },
    handler: async (request, reply) => {
      const integration = request.integration!;
      const { mimetype, bytes, hmac } = await media.download({ actor: integratorActor(request), mediaId: request.params.id, secret: integration.secret });
      if (hmac) reply.presigned = { payload: bytes, signature: hmac };
      return reply.header("content-type", mimetype).send(bytes);
    },
  });
};
