import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The browser bundle and stylesheet, built by scripts/build-flow.mjs into web/flow/build/ with a
 * content hash in their names and their gzip and brotli forms beside them. Read once, on first use,
 * and kept in memory: a few tens of kilobytes. The built CLI copies the tests run have no bundle;
 * their pages are served without one.
 */
export const BUILD_DIR = fileURLToPath(new URL("../../web/flow/build/", import.meta.url));

export interface Asset {
  type: string;
  identity: Buffer;
  gzip?: Buffer | undefined;
  br?: Buffer | undefined;
}

export interface FlowAssets {
  /** URL path of the script, or null when not built. */
  script: string | null;
  /**
   * The stylesheet's text, inlined in every page (under the page's nonce): a separate file would
   * cost a render-blocking round trip, a third of the first paint on a phone at 150 ms RTT.
   */
  css: string | null;
  /** The finished-session page's script (its incontext-SDK messages), inlined likewise; null when not built. */
  doneScript: string | null;
  get(file: string): Asset | undefined;
}

export const ASSET_PREFIX = "/flow/assets/";
const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml" };

export function loadAssets(dir: string = BUILD_DIR): FlowAssets {
  const manifestFile = `${dir}manifest.json`;
  if (!existsSync(manifestFile)) return { script: null, css: null, doneScript: null, get: () => undefined };
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { script: string; stylesheet: string; doneScript?: string; files: string[] };
  const files = new Map<string, Asset>();
  for (const file of manifest.files) {
    const read = (suffix: string) => (existsSync(`${dir}${file}${suffix}`) ? readFileSync(`${dir}${file}${suffix}`) : undefined);
    const type = TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream";
    files.set(file, { type, identity: read("")!, gzip: read(".gz"), br: read(".br") });
  }
  const text = (file: string | undefined) => (file ? (files.get(file)?.identity.toString("utf8") ?? null) : null);
  return { script: ASSET_PREFIX + manifest.script, css: text(manifest.stylesheet), doneScript: text(manifest.doneScript), get: (file) => files.get(file) };
}

/** The smallest form the client accepts. */
export function negotiate(asset: Asset, acceptEncoding: string | undefined): { body: Buffer; encoding?: "br" | "gzip" } {
  const accepts = (coding: string) => new RegExp(`(^|,)\\s*${coding}\\s*(;\\s*q=(?!0(\\.0*)?\\s*($|,))[\\d.]+)?\\s*($|,)`).test(acceptEncoding ?? "");
  if (asset.br && accepts("br")) return { body: asset.br, encoding: "br" };
  if (asset.gzip && accepts("gzip")) return { body: asset.gzip, encoding: "gzip" };
  return { body: asset.identity };
}
