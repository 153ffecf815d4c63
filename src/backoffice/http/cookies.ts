/** The few cookie rules the back-office needs, without a plugin: read one header, write one cookie. */
export function readCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    // Our values are base64url: anything else was not set by us.
    if (/^[A-Za-z0-9_-]{1,100}$/.test(value)) cookies[name] = value;
  }
  return cookies;
}

/** HttpOnly, SameSite=Strict, scoped to /admin; Secure when the service is reached over https. */
export function cookie(name: string, value: string, options: { secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, "Path=/admin", "HttpOnly", "SameSite=Strict"];
  if (options.secure) parts.push("Secure");
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join("; ");
}

export const LOGIN_COOKIE = "earthid_admin";
/** Before login: the value the login form's CSRF token is bound to. */
export const PRELOGIN_COOKIE = "earthid_admin_pre";
