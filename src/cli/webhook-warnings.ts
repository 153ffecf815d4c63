import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { forbiddenReason } from "../webhooks/address-guard.js";

/** How long a name's lookup may take before the warning is given up (the command never waits on DNS for long). */
const LOOKUP_MS = 2000;

/**
 * Why the running service will refuse to deliver to `url`, judged as the dispatcher does (the
 * address guard's classification of every address the host has), or undefined when it will not.
 * A name that does not resolve from here is not judged: the server may see another DNS.
 */
export async function refusalOf(url: string, allowPrivate: boolean): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
  if (isIP(host)) return forbiddenReason(host);
  // RFC 6761: localhost names are loopback whatever a resolver says.
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is a loopback name`;
  const addresses = await Promise.race([
    lookup(host, { all: true }).catch(() => []),
    new Promise<[]>((resolve) => setTimeout(() => resolve([]), LOOKUP_MS).unref()),
  ]);
  for (const { address } of addresses) {
    const reason = forbiddenReason(address);
    if (reason) return `${host} resolves to ${reason}`;
  }
  return undefined;
}

/**
 * The warning lines (for stderr) for the webhook URLs just stored that the running settings refuse:
 * such an integration is accepted, but every delivery to it fails, silently from the integrator's side.
 */
export async function webhookWarnings(urls: Record<string, string | null | undefined>, allowPrivate: boolean, integrationId: string): Promise<string> {
  const lines: string[] = [];
  for (const [option, url] of Object.entries(urls)) {
    if (!url) continue;
    const reason = await refusalOf(url, allowPrivate);
    if (!reason) continue;
    lines.push(
      `earthid: warning: --${option} ${url} will be refused by the running settings: ${reason}, and webhooks go to public addresses only while EARTHID_WEBHOOK_ALLOW_PRIVATE is off. ` +
        `Every delivery to it will fail. Set EARTHID_WEBHOOK_ALLOW_PRIVATE=1 on the server (local development, closed networks) or use a public URL; ` +
        `check with: earthid integrations test-webhook ${integrationId}\n`,
    );
  }
  return lines.join("");
}
