/**
 * Veriff v1 endpoints (reference §2) that EarthID Verify does not serve yet, by method and path
 * under an API prefix: a client library that calls one learns which it is, not just "not found".
 */
const NOT_SERVED: readonly [method: string, path: RegExp, what: string][] = [
  ["GET", /^\/sessions\/[^/]+\/watchlist-screening\/?$/, "watchlist screening (AML)"],
  ["POST", /^\/sessions\/[^/]+\/collected-data\/?$/, "collected data upload"],
  ["POST", /^\/sessions\/validate-registry\/?$/, "registry validation"],
  ["POST", /^\/validate-registry\/?$/, "registry validation"],
];

const API_PATH = /^\/(v1|earthid\/api)(\/|$)/;

/**
 * For a request no route matched: undefined when its path is not under an API prefix, else the
 * words naming the Veriff endpoint it is (or "" for an endpoint Veriff does not have either).
 */
export function unsupportedEndpoint(method: string, path: string): string | undefined {
  const prefix = API_PATH.exec(path);
  if (!prefix) return undefined;
  const rest = path.slice(prefix[0].length - (prefix[2] === "/" ? 1 : 0));
  const known = NOT_SERVED.find(([m, pattern]) => m === method && pattern.test(rest));
  return known ? ` (Veriff's ${known[2]}, not served yet)` : "";
}
