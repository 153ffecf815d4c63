import { Secret, TOTP } from "otpauth";

/**
 * RFC 6238 time-based one-time codes as every authenticator app reads them: HMAC-SHA1, 6 digits,
 * 30-second steps, the secret in base32. Secrets enrolled before otpauth was used are read the same.
 */
const ISSUER = "EarthID Verify";
const totp = (secret: string, account = "") =>
  new TOTP({ issuer: ISSUER, label: account, algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });

/** A new secret: 20 random bytes (RFC 4226's recommended length), base32 as apps expect. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

export const totpCode = (secret: string, atMs: number): string => totp(secret).generate({ timestamp: atMs });

/**
 * The time step whose code this is: this step or the one either side (a clock a little off, a code
 * typed as the step turns), but never one at or before `usedStep`, so that a code seen over a
 * shoulder cannot be used again. Undefined when it matches none.
 */
export function totpStep(secret: string, code: string, atMs: number, usedStep: number | null = null): number | undefined {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return undefined;
  const generator = totp(secret);
  const delta = generator.validate({ token, timestamp: atMs, window: 1 });
  if (delta === null) return undefined;
  const step = generator.counter({ timestamp: atMs }) + delta;
  return usedStep === null || step > usedStep ? step : undefined;
}

export const otpauthUri = (secret: string, account: string): string => totp(secret, account).toString();
