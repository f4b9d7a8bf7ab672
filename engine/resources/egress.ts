import { lookup } from 'node:dns/promises';
import net from 'node:net';

/**
 * The egress guard: every address a definition or its input controls (an HTTP Task's
 * `ApiEndpoint`, a redirect, a connection's OAuth endpoint) is resolved once, checked, and
 * connected to by that address (pinned: no second DNS answer can swap it for another).
 * Loopback, link-local (cloud metadata at 169.254.169.254 included), private, shared (CGNAT,
 * where Alibaba's metadata lives), unspecified, multicast and reserved addresses are refused
 * unless `STEPFLOW_EGRESS_ALLOW` names the host or a network holding the address. Endpoints the
 * operator configures (bindings, AWS endpoints) do not pass through here.
 */

/** What the deployment allows beyond the public Internet (`STEPFLOW_EGRESS_ALLOW`). */
export interface EgressPolicy {
  hosts: ReadonlySet<string>;
  networks: net.BlockList;
  /** The entries as written, for messages. */
  entries: readonly string[];
}

/** Thrown when the guard refuses an address; the message names the host, address and how to allow it. */
export class EgressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefused';
  }
}

const REFUSED_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const REFUSED_V6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

const refusedLists = REFUSED_V4.concat(REFUSED_V6).map(([address, prefix, kind]) => {
  const list = new net.BlockList();
  list.addSubnet(address, prefix, net.isIPv6(address) ? 'ipv6' : 'ipv4');
  return { list, kind };
});

/** The IPv4 address an IPv6 address embeds (`::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`), if any. */
function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an address is refused by default (`loopback`, `private`, …), or undefined for a public one. */
export function refusedKind(address: string): string | undefined {
  const v4 = net.isIPv6(address) ? embeddedV4(address) : address;
  const [candidate, family] = v4 !== undefined ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
  if (net.isIP(candidate) === 0) return 'not an IP address';
  for (const { list, kind } of refusedLists) if (list.check(candidate, family)) return kind;
  return undefined;
}

/** Parses `STEPFLOW_EGRESS_ALLOW`: comma-separated host names and CIDRs (or single addresses). */
export function parseEgressAllow(text: string | undefined): EgressPolicy {
  const networks = new net.BlockList();
  const hosts = new Set<string>();
  const entries: string[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    entries.push(entry);
    const [address, prefix] = entry.split('/');
    const family = net.isIP(address);
    if (family === 0) {
      if (prefix !== undefined || !/^[a-z0-9.-]+$/.test(entry))
        throw new Error(`'${raw.trim()}' is neither a host name nor a CIDR`);
      hosts.add(entry.replace(/\.$/, ''));
      continue;
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32))
      throw new Error(`'${raw.trim()}' has a bad prefix length`);
    networks.addSubnet(address, bits, type);
  }
  return { hosts, networks, entries };
}

/** The host of a URL without IPv6 brackets, lower-case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Resolves the host once; throws EgressRefused when the policy refuses any of its addresses. */
export async function pinnedAddress(
  url: URL,
  policy: EgressPolicy,
  resolve: (host: string) => Promise<{ address: string; family: number }[]> = (host) =>
    lookup(host, { all: true, verbatim: true }),
): Promise<{ address: string; family: number }> {
  const host = hostOf(url);
  const literal = net.isIP(host);
  const addresses = literal !== 0 ? [{ address: host, family: literal }] : await resolve(host);
  if (addresses.length === 0) throw new EgressRefused(`The host '${host}' has no address`);
  if (policy.hosts.has(host)) return addresses[0];
  for (const { address, family } of addresses) {
    const kind = refusedKind(address);
    if (kind === undefined) continue;
    if (policy.networks.check(address, family === 6 ? 'ipv6' : 'ipv4')) continue;
    throw new EgressRefused(
      `Stepflow refuses to connect to '${host}' (${address}, a ${kind} address); allow it with STEPFLOW_EGRESS_ALLOW (a host name or CIDR)`,
    );
  }
  return addresses[0];
}
