/**
 * The postMessage protocol of @veriff/incontext-sdk (2.5.0): plain strings to the page that framed
 * us. VERIFF_HANDSHAKE on load; STARTED, SUBMITTED, FINISHED, CANCELED as the person goes; and
 * RELOAD_REQUEST when the camera was refused (iOS Safari needs the frame reloaded to ask again).
 */
export type ParentMessage = "VERIFF_HANDSHAKE" | "VERIFF_STARTED" | "VERIFF_SUBMITTED" | "VERIFF_FINISHED" | "VERIFF_CANCELED" | "VERIFF_RELOAD_REQUEST";

export const framed = window.parent !== window;

/**
 * The parent's origin: CSP frame-ancestors already admitted it; ancestorOrigins (Chromium, Safari)
 * or the referrer name it, so the messages go to it alone. The messages carry nothing secret.
 */
function parentOrigin(): string {
  const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0]!;
  try {
    if (document.referrer) return new URL(document.referrer).origin;
  } catch {
    // An unreadable referrer: fall through.
  }
  return "*";
}

export function tellParent(message: ParentMessage): void {
  if (framed) window.parent.postMessage(message, parentOrigin());
}
