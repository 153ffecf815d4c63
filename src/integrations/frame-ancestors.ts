/**
 * The origins an integration allows to embed its hosted flow in a frame, as CSP `frame-ancestors`
 * sources: `https://shop.example`, `https://shop.example:8443`, `https://*.shop.example`, and plain
 * http for loopback hosts (local development). Paths, queries, keywords and other schemes are
 * refused: each entry names a whole origin, nothing else.
 */
const ORIGIN = /^(https?):\/\/(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const MAX_FRAME_ANCESTORS = 20;

/** A comma- (or space-) separated list, checked and normalised (lower case, no trailing slash). */
export function parseFrameAncestors(raw: string): string[] {
  const entries = raw
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase().replace(/\/$/, ""))
    .filter((entry) => entry !== "");
  for (const entry of entries) {
    const match = ORIGIN.exec(entry);
    if (!match) throw new TypeError(`frame ancestor "${entry}" must be an origin such as https://shop.example (no path, query or wildcard scheme)`);
    if (match[1] === "http" && !(LOOPBACK.has(match[3] ?? "") && !match[2])) throw new TypeError(`frame ancestor "${entry}" must use https (http only for localhost)`);
    const port = match[7] ? Number(match[7].slice(1)) : undefined;
    if (port !== undefined && (port < 1 || port > 65535)) throw new TypeError(`frame ancestor "${entry}" has no valid port`);
  }
  if (entries.length > MAX_FRAME_ANCESTORS) throw new TypeError(`at most ${MAX_FRAME_ANCESTORS} frame ancestors, got ${entries.length}`);
  return [...new Set(entries)];
}

export const storedFrameAncestors = (list: readonly string[]): string | null => (list.length === 0 ? null : list.join(" "));
export const frameAncestorsOf = (stored: string | null): string[] => (stored ? stored.split(" ") : []);
