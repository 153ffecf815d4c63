import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * CSRF tokens bound to the browser's cookie: HMAC(server key, cookie value). A page from another
 * site can make the browser send the cookie (SameSite=Strict already stops most of it) but cannot
 * read it, so it cannot compute the token that every form carries.
 */
export function csrfToken(key: Buffer, cookieValue: string): string {
  return createHmac("sha256", key).update(`csrf:${cookieValue}`).digest("base64url");
}

export function csrfMatches(key: Buffer, cookieValue: string | undefined, given: unknown): boolean {
  if (!cookieValue || typeof given !== "string") return false;
  const expected = Buffer.from(csrfToken(key, cookieValue));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
