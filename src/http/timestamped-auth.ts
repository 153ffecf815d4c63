import type { FastifyRequest } from "fastify";
import { apiError } from "../errors.js";
import {
  TIMESTAMP_TOLERANCE_SECONDS,
  parseTimestampedSignature,
  requestSigningPrefix,
  secondsAway,
  timestampedSignatureMatches,
} from "../crypto/timestamped.js";
import type { IntegrationAuth } from "../integrations/service.js";

export const REQUEST_STAMP_HEADER = "x-earthid-signature";

/** Why the timestamped signature is asked for, in the words of a 1820 message. */
export type StampReason = "extension" | "strict";

const WHY: Record<StampReason, string> = {
  extension: "This endpoint is an EarthID extension (not in Veriff's API), so X-HMAC-SIGNATURE is not enough: ",
  strict: "This integration signs in strict mode, where X-HMAC-SIGNATURE alone is refused on every endpoint: ",
};

const refuse = (reason: StampReason, problem: string) => apiError("TIMESTAMPED_SIGNATURE_INVALID", { problem, why: WHY[reason] });

/** The request target exactly as sent on the request line: path and, when there is one, `?` and the query. */
export const requestTarget = (request: FastifyRequest) => request.raw.url ?? request.url;

/**
 * The header, parsed and inside the 5-minute window, or a 1820 saying which of those it is not. The
 * bytes it signs are checked by the caller: whole here, or as they stream in (media uploads).
 */
export function readRequestStamp(request: FastifyRequest, reason: StampReason, now: number): { t: number; v1: string[]; signedBefore: Buffer } {
  const value = request.headers[REQUEST_STAMP_HEADER];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return refuseMissing(request, reason);
  const parsed = parseTimestampedSignature(text);
  if (!parsed) throw refuse(reason, "is not t=<unix seconds>,v1=<hex HMAC>");
  if (Math.abs(now / 1000 - parsed.t) > TIMESTAMP_TOLERANCE_SECONDS) {
    throw refuse(reason, `has t=${parsed.t}, ${secondsAway(parsed.t, now)} s from the server's clock (at most ${TIMESTAMP_TOLERANCE_SECONDS}): sign again with the current time`);
  }
  // What the HMAC covers before the body: "<t>.<METHOD>.<target>."
  const signedBefore = Buffer.concat([Buffer.from(`${parsed.t}.`), requestSigningPrefix(request.method, requestTarget(request))]);
  return { ...parsed, signedBefore };
}

function refuseMissing(request: FastifyRequest, reason: StampReason): never {
  const veriffOnly = request.headers["x-hmac-signature"] !== undefined || request.headers["vrf-hmac-signature"] !== undefined;
  throw refuse(reason, veriffOnly ? "is missing (X-HMAC-SIGNATURE alone was sent)" : "is missing");
}

export const stampMismatch = (reason: StampReason) => refuse(reason, "does not match the request (method, path and query as sent, body bytes)");

/** The whole check, for a request whose raw body (if any) is in hand. */
export function verifyRequestStamp(request: FastifyRequest, integration: IntegrationAuth, reason: StampReason, now: number): void {
  const stamp = readRequestStamp(request, reason, now);
  const signed = Buffer.concat([requestSigningPrefix(request.method, requestTarget(request)), request.rawBody ?? Buffer.alloc(0)]);
  if (!timestampedSignatureMatches(integration.secret, stamp, signed)) throw stampMismatch(reason);
}
