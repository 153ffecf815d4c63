import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * Replaces `fetch` in this thread with one that reads `file://` URLs from disk and throws on any
 * other URL. human loads its models through `fetch`, which Node cannot do for `file://`; and a model
 * path left at a CDN default must fail loudly instead of quietly downloading (no byte may leave the
 * machine). Idempotent: a second call keeps the shim already installed.
 */
export function installOfflineFetch(): void {
  if ((globalThis.fetch as { offline?: true }).offline) return;
  const offlineFetch = async (input: string | URL | Request): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith("file://")) throw new Error(`network access is disabled in the engine; refused to fetch ${url}`);
    return new Response(await readFile(fileURLToPath(url)));
  };
  globalThis.fetch = Object.assign(offlineFetch, { offline: true as const }) as typeof fetch;
}
