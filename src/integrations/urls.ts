/** Integration URLs (default callback, webhook targets) must be absolute http(s) URLs. */
export function checkIntegrationUrl(field: string, value: string): void {
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
