import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export function hmacHex(secret: Buffer | string, data: Buffer | string): string {
  return createHmac("sha256", secret).update(data).digest("hex");
}

/** Constant-time equality of two secrets of any length: their digests are compared, not the texts. */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export function isHexSha256(value: string): boolean {
  return HEX_SHA256.test(value);
}

/** Constant-time check of a hex HMAC; either hex case is accepted, as Veriff's clients send both. */
export function hmacMatches(secret: Buffer | string, data: Buffer | string, signature: string): boolean {
  return hexDigestsEqual(hmacHex(secret, data), signature);
}

/** The same check against an HMAC already worked out (hex), e.g. by a worker thread. */
export function hexDigestsEqual(expectedHex: string, signature: string): boolean {
  if (!isHexSha256(signature) || !isHexSha256(expectedHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, "hex"), Buffer.from(signature, "hex"));
}
