import { hmacHex } from "../crypto/hmac.js";
import { timestampedSignature } from "../crypto/timestamped.js";

export { timestampedSignature, verifyTimestampedSignature } from "../crypto/timestamped.js";

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
