import { hmacHex, hmacMatches } from "../crypto/hmac.js";

/**
 * The headers of one webhook request. `x-hmac-signature` is Veriff's: hex HMAC-SHA256 of the body
 * with the integration's shared secret. `x-earthid-signature` adds replay protection in the scheme
 * Stripe and Persona use: `t=<unix seconds>,v1=<hex HMAC of "t.body">`; a receiver rejects stale
 * timestamps and dedupes on `x-earthid-delivery-id` (the same for every attempt of a delivery).
 */
export interface SigningInput {
  apiKey: string;
  integrationId: string;
  secret: Buffer | string;
  body: Buffer | string;
  deliveryId: string;
  attempt: number;
  /** Epoch milliseconds of this attempt. */
  at: number;
}

export const DELIVERY_ID_HEADER = "x-earthid-delivery-id";
export const ATTEMPT_HEADER = "x-earthid-attempt";
export const TIMESTAMPED_SIGNATURE_HEADER = "x-earthid-signature";

export function timestampedSignature(secret: Buffer | string, unixSeconds: number, body: Buffer | string): string {
  const signed = Buffer.concat([Buffer.from(`${unixSeconds}.`), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
  return `t=${unixSeconds},v1=${hmacHex(secret, signed)}`;
}

export function webhookHeaders(input: SigningInput): Record<string, string> {
  const signature = hmacHex(input.secret, input.body);
  return {
    "content-type": "application/json",
    "x-auth-client": input.apiKey,
    "vrf-auth-client": input.apiKey,
    "x-hmac-signature": signature,
    "vrf-hmac-signature": signature,
    "vrf-integration-id": input.integrationId,
    [TIMESTAMPED_SIGNATURE_HEADER]: timestampedSignature(input.secret, Math.floor(input.at / 1000), input.body),
    [DELIVERY_ID_HEADER]: input.deliveryId,
    [ATTEMPT_HEADER]: String(input.attempt),
  };
}

/**
 * What a receiver does with `x-earthid-signature`: the HMAC must match and the timestamp must be
 * within `toleranceSeconds` of its clock. Any `v1` entry may match (room for rotation overlaps).
 */
export function verifyTimestampedSignature(
  secret: Buffer | string,
  header: string,
  body: Buffer | string,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const parts = header.split(",").map((part) => part.trim().split("=", 2) as [string, string | undefined]);
  const t = parts.find(([key]) => key === "t")?.[1];
  if (!t || !/^\d+$/.test(t)) return false;
  if (Math.abs(now / 1000 - Number(t)) > toleranceSeconds) return false;
  const signed = Buffer.concat([Buffer.from(`${t}.`), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
  return parts.some(([key, value]) => key === "v1" && value !== undefined && hmacMatches(secret, signed, value));
}
