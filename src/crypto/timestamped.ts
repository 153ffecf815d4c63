import { hmacHex, hmacMatches } from "./hmac.js";

/**
 * The timestamped signature of our webhooks and of our own API extensions, in the scheme Stripe and
 * Persona use: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<signed bytes>">`. The timestamp is
 * signed with the bytes, so a captured signature stops working once it leaves the window.
 */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const concat = (t: number | string, signed: Buffer | string) => Buffer.concat([Buffer.from(`${t}.`), Buffer.isBuffer(signed) ? signed : Buffer.from(signed)]);

export function timestampedSignature(secret: Buffer | string, unixSeconds: number, signed: Buffer | string): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, concat(unixSeconds, signed))}`;
}

/** The header's timestamp and its `v1` entries (several may come during a secret's rotation); undefined when it has neither. */
export function parseTimestampedSignature(header: string): { t: number; v1: string[] } | undefined {
  const parts = header.split(",").map((part) => part.trim().split("=", 2) as [string, string | undefined]);
  const t = parts.find(([key]) => key === "t")?.[1];
  const v1 = parts.filter(([key, value]) => key === "v1" && value !== undefined).map(([, value]) => value!);
  if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0) return undefined;
  return { t: Number(t), v1 };
}

/** How far `t` is from the clock, in whole seconds (0 inside the window's own rounding). */
export const secondsAway = (t: number, now: number) => Math.round(Math.abs(now / 1000 - t));

/** True when one of the header's `v1` entries is the HMAC of `"<t>.<signed>"`; the window is the caller's check. */
export function timestampedSignatureMatches(secret: Buffer | string, parsed: { t: number; v1: string[] }, signed: Buffer | string): boolean {
  const data = concat(parsed.t, signed);
  return parsed.v1.some((value) => hmacMatches(secret, data, value));
}

/**
 * What a receiver does with a timestamped signature: the HMAC must match and the timestamp must be
 * within `toleranceSeconds` of its clock.
 */
export function verifyTimestampedSignature(
  secret: Buffer | string,
  header: string,
  signed: Buffer | string,
  { toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const parsed = parseTimestampedSignature(header);
  if (!parsed || Math.abs(now / 1000 - parsed.t) > toleranceSeconds) return false;
  return timestampedSignatureMatches(secret, parsed, signed);
}

/**
 * What an API request's timestamped signature covers after `"<t>."`: `"<METHOD>.<target>.<body>"`, the
 * target being the path and query exactly as sent on the request line, the body its exact bytes.
 */
export function requestSigningPrefix(method: string, target: string): Buffer {
  return Buffer.from(`${method.toUpperCase()}.${target}.`);
}
