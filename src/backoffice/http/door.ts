import type { FastifyRequest } from "fastify";

/** A path of the back-office under its prefix: under "/ops", `adminPath("queue")` is "/ops/queue"; under "/" (the root of its own port), "/queue". */
export type AdminPath = (path?: string) => string;

export const adminPaths =
  (prefix: string): AdminPath =>
  (path = "") =>
    prefix === "/" ? `/${path}` : path === "" ? prefix : `${prefix}/${path}`;

/**
 * Where the back-office is served: its path prefix (EARTHID_ADMIN_PREFIX), and the URL its users
 * reach it at when the operator names one (PUBLIC_URL on the public port, EARTHID_ADMIN_PUBLIC_URL
 * on its own port), which decides whether its cookies are marked Secure.
 */
export interface Door {
  prefix: string;
  adminPath: AdminPath;
  /**
   * Secure when the named URL is https, or when this request came over https (directly or through
   * a trusted proxy's X-Forwarded-Proto): a browser never sends a Secure cookie back over plain
   * http, so a plain-http admin port must not set one.
   */
  secureCookies(request: FastifyRequest): boolean;
}

export function door(prefix: string, publicUrl: string | undefined): Door {
  const httpsByName = publicUrl?.startsWith("https://") ?? false;
  return { prefix, adminPath: adminPaths(prefix), secureCookies: (request) => httpsByName || request.protocol === "https" };
}
