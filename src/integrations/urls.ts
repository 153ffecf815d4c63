/** Integration URLs (default callback, webhook targets) must be absolute http(s) URLs. */
export function checkIntegrationUrl(field: string, value: string): void {
  // The URL parser drops tabs and line breaks silently, and a control character has no place in a URL.
  if (/[\u0000-\u001F\u007F]/.test(value)) throw new TypeError(`${field} must not contain control characters (line breaks, tabs, NUL)`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${field} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`${field} must use https (or http), got "${url.protocol}"`);
  }
}
