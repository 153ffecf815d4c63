import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** RFC 6238 time-based one-time codes: HMAC-SHA1, 6 digits, 30-second steps, as every authenticator app reads them. */
const STEP_SECONDS = 30;
const DIGITS = 6;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new secret: 20 random bytes (RFC 4226's recommended length), base32 as apps expect. */
export const newTotpSecret = (): string => base32Encode(randomBytes(20));

export function totpCode(secret: string, atMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / STEP_SECONDS)));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return String(number).padStart(DIGITS, "0");
}

/**
 * The time step whose code this is: this step or the one either side (a clock a little off, a code
 * typed as the step turns), but never one at or before `usedStep`, so that a code seen over a
 * shoulder cannot be used again. Undefined when it matches none.
 */
export function totpStep(secret: string, code: string, atMs: number, usedStep: number | null = null): number | undefined {
  const given = Buffer.from(code.replace(/\s/g, ""));
  if (given.length !== DIGITS) return undefined;
  const now = Math.floor(atMs / 1000 / STEP_SECONDS);
  return [now - 1, now, now + 1].find((step) => (usedStep === null || step > usedStep) && timingSafeEqual(Buffer.from(totpCode(secret, step * STEP_SECONDS * 1000)), given));
}

export function otpauthUri(secret: string, account: string, issuer = "EarthID Verify"): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
}
