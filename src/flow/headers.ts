import { randomBytes } from "node:crypto";
import type { FastifyReply } from "fastify";

export const newNonce = () => randomBytes(16).toString("base64");

/**
 * The page's own policy, instead of the API's `default-src 'none'`: our script and our stylesheet
 * only by the page's nonce (no other inline script or style), everything else from our origin,
 * camera pictures as blob: URLs, and framing only by the origins the integration listed ('none' by
 * default).
 */
export function flowPolicy({ nonce, script, frameAncestors }: { nonce: string; script: boolean; frameAncestors: readonly string[] }): string {
  return [
    "default-src 'none'",
    `script-src ${script ? `'nonce-${nonce}'` : "'none'"}`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(" ") : "'none'"}`,
  ].join("; ");
}

/** Headers of every flow page; the app-wide X-Frame-Options would contradict frame-ancestors, so it goes. */
export function pageHeaders(reply: FastifyReply, policy: string): FastifyReply {
  reply.removeHeader("x-frame-options");
  return reply
    .header("content-security-policy", policy)
    .header("permissions-policy", "camera=(self), microphone=(), geolocation=(), payment=(), usb=()")
    .header("referrer-policy", "no-referrer")
    .header("cache-control", "no-store")
    .header("content-type", "text/html; charset=utf-8");
}
