import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type ApiError, apiError } from "../errors.js";
import { isHexSha256 } from "../crypto/hmac.js";

/**
 * Bounds on the uploads one instance reads at once (issue 14, finding 2): 200 concurrent 20 MB
 * uploads with a wrong signature once took 8.2 GB of memory, because every body was buffered whole
 * before its signature was checked. Each upload holds its body, then its decoded bytes, until it is
 * answered; past these counts a new one is answered 429 with Retry-After before a byte is read.
 */
export interface UploadLimits {
  perInstance: number;
  perIntegration: number;
}

const RETRY_AFTER_SECONDS = 1;

export function uploadGate({ perInstance, perIntegration }: UploadLimits) {
  let total = 0;
  const byIntegration = new Map<string, number>();

  return {
    /** The route's onRequest hook (after authentication): takes a slot, given back when the response ends or the connection goes. */
    async admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const integrationId = request.integration?.id;
      if (!integrationId) return;
      const mine = byIntegration.get(integrationId) ?? 0;
      const detail = total >= perInstance ? `${total} uploads are being read by this instance` : mine >= perIntegration ? `${mine} uploads of this integration are in flight` : undefined;
      if (detail) {
        reply.header("retry-after", String(RETRY_AFTER_SECONDS));
        throw apiError("RATE_LIMITED", { detail: `${detail}; retry after ${RETRY_AFTER_SECONDS} s` });
      }
      total++;
      byIntegration.set(integrationId, mine + 1);
      reply.raw.once("close", () => {
        total--;
        const left = (byIntegration.get(integrationId) ?? 1) - 1;
        if (left === 0) byIntegration.delete(integrationId);
        else byIntegration.set(integrationId, left);
      });
    },
    inFlight: () => total,
  };
}

export type UploadGate = ReturnType<typeof uploadGate>;

/** What an upload's signature covers: `signedBefore` (the timestamped signature's "<t>.<METHOD>.<target>.", or nothing), then the body. */
export interface BodySignature {
  secret: Buffer;
  signedBefore?: Buffer | undefined;
  /** Hex digests, one of which must match (a timestamped header may carry several). */
  signatures: string[];
  mismatch: () => ApiError;
}

/**
 * An upload's body, its HMAC worked out chunk by chunk as it arrives (no pass over 24 MB at the end),
 * and compared as soon as the last byte is in: a body whose signature does not match is refused
 * there, never handed to a worker nor parsed. Past `limit` bytes the read stops with 413.
 */
export async function readSignedBody(stream: AsyncIterable<Buffer>, declaredLength: number | undefined, { limit, secret, signedBefore, signatures, mismatch }: BodySignature & { limit: number }): Promise<{ raw: Buffer; hmac: string }> {
  if (declaredLength !== undefined && declaredLength > limit) throw apiError("BODY_TOO_LARGE", { limit });
  const hmac = createHmac("sha256", secret);
  if (signedBefore) hmac.update(signedBefore);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw apiError("BODY_TOO_LARGE", { limit });
    hmac.update(chunk);
    chunks.push(chunk);
  }
  const digest = hmac.digest();
  const matches = signatures.filter(isHexSha256).map((signature) => timingSafeEqual(digest, Buffer.from(signature, "hex")));
  if (!matches.includes(true)) throw mismatch();
  // One allocation that owns its memory, so that it moves to the worker instead of being copied.
  const raw = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(raw, at);
  return { raw, hmac: digest.toString("hex") };
}
