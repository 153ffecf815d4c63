import { type LookupAddress, type LookupAllOptions, lookup as dnsLookup } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Webhook URLs are chosen by integrators, so a delivery must not become a way into the operator's
 * own network: loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT, unique-local,
 * unspecified, multicast and reserved addresses are refused. The check is made on the address the
 * socket then connects to (see `guardedLookup`), so DNS cannot answer differently in between.
 */
const forbidden = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT; also Alibaba's metadata 100.100.100.200
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local; AWS/GCP/Azure metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  forbidden.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128],
  ["::", 96], // IPv4-compatible (deprecated)
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local; AWS metadata fd00:ec2::254
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  forbidden.addSubnet(network, prefix, "ipv6");
}

/** The eight 16-bit groups of an IPv6 address (which `isIP` already accepted). */
function ipv6Groups(address: string): number[] {
  let text = address.split("%")[0]!.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16));
}

/** NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that is where packets really go. */
function embeddedIpv4(groups: number[]): string | undefined {
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return quad(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return quad(groups[1]!, groups[2]!);
  return undefined;
}

/** Why an IP address may not receive webhooks, or undefined when it may. */
export function forbiddenReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 4) return forbidden.check(address, "ipv4") ? `${address} is a private, loopback or reserved address` : undefined;
  // IPv4-mapped addresses (::ffff:a.b.c.d) are checked against the IPv4 rules by BlockList itself.
  if (forbidden.check(address, "ipv6")) return `${address} is a private, loopback or reserved address`;
  const inner = embeddedIpv4(ipv6Groups(address));
  if (inner && forbidden.check(inner, "ipv4")) return `${address} embeds ${inner}, a private, loopback or reserved address`;
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
