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

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The callback rule: https always; http only to a loopback host or for a test integration, so that
 * local development works without certificates while a live integration can never send its users
 * to a clear-text page. Anything else (other schemes, relative URLs) is refused. Returns what is
 * wrong with the URL, or undefined when it is acceptable. An integration's default callback and a
 * session's own follow it (here, so that integrations/ need not import sessions/).
 */
export function callbackProblem(value: string, isTestIntegration: boolean): string | undefined {
  // The URL parser drops tabs and line breaks silently: the URL checked would not be the text stored and echoed.
  if (/[\t\r\n]/.test(value)) return "must not contain tabs or line breaks";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && (isTestIntegration || LOOPBACK_HOSTS.has(url.hostname))) return undefined;
  return url.protocol === "http:" ? "http is accepted only for localhost and test integrations" : `scheme ${url.protocol} is not allowed`;
}
