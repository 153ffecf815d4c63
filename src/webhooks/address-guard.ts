import { type LookupAddress, type LookupAllOptions, lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Webhook URLs are chosen by integrators, so a delivery must not become a way into the operator's
 * own network. Addresses are classified by ipaddr.js, which keeps the IANA special-purpose
 * registries (RFC 6890 and successors), rather than by a parser of our own: a hand-written one let
 * `::ffff:0:127.0.0.1`, NAT64 and Teredo addresses through (issue 14, finding 7). Only what it calls
 * plain unicast may receive webhooks: loopback, private (RFC 1918), link-local (cloud metadata at
 * 169.254.169.254), CGNAT (Alibaba's metadata 100.100.100.200), unique-local (AWS's fd00:ec2::254),
 * multicast, documentation, benchmarking and reserved ranges are refused, and so is every IPv6 form
 * that carries or translates an IPv4 address (IPv4-mapped ::ffff:0:0/96, IPv4-translated
 * ::ffff:0:0:0/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32), where
 * the packets really go is decided by a gateway this check cannot see. The check is made on the
 * address the socket then connects to (see `guardedLookup`), so DNS cannot answer differently in
 * between.
 */

/** IPv6 unicast is allocated from 2000::/3 only; the rest (IPv4-compatible ::/96, 100::/64's neighbours…) is IETF-reserved. */
const GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/** Why an IP address may not receive webhooks, or undefined when it may. */
export function forbiddenReason(address: string): string | undefined {
  // A zone index (fe80::1%eth0) names an interface, not an address.
  const bare = address.split("%")[0]!;
  // Node's isIP first: ipaddr.js also reads legacy forms (127.1, 0x7f.0.0.1) that no resolver returns.
  if (isIP(bare) === 0 || !ipaddr.isValid(bare)) return `${address} is not an IP address`;
  const parsed = ipaddr.parse(bare);
  const range = parsed.range();
  if (range !== "unicast") return `${address} is a private, loopback or reserved address (${range})`;
  if (parsed.kind() === "ipv6" && !parsed.match(GLOBAL_UNICAST)) return `${address} is a private, loopback or reserved address (outside 2000::/3)`;
  return undefined;
}

export class AddressRefusedError extends Error {
  readonly code = "EARTHID_ADDRESS_REFUSED";
  constructor(host: string, reason: string) {
    super(`refused: ${host} → ${reason}; webhooks go to public addresses only (EARTHID_WEBHOOK_ALLOW_PRIVATE=1 allows others)`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request / net.connect: resolves the name, refuses the connection if any of
 * its addresses is forbidden (a name with one private address is not trusted with the others), and
 * hands the checked addresses to the socket, which connects to exactly those.
 */
export function guardedLookup(hostname: string, options: { family?: number | string; all?: boolean; hints?: number }, callback: LookupCallback): void {
  const all: LookupAllOptions = { all: true, ...(options.hints !== undefined ? { hints: options.hints } : {}) };
  const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
  if (family === 4 || family === 6) all.family = family;
  dnsLookup(hostname, all, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const reason = forbiddenReason(address);
      if (reason) return callback(new AddressRefusedError(hostname, reason), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
    callback(null, first.address, first.family);
  });
}
