import { BlockList, isIP } from "node:net";
import { lookup } from "node:dns/promises";

// Targets a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE is set (SSRF): private, loopback,
// link-local, unique-local, CGNAT, multicast, reserved and unspecified ranges, v4 and v6.
const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [["::", 128], ["::1", 128], ["fe80::", 10], ["fc00::", 7], ["ff00::", 8], ["64:ff9b::", 96], ["2002::", 16]] as const)
  blocked.addSubnet(net, bits, "ipv6");

/** The 8 hextets of a v6 address (with an embedded dotted v4 tail, as in ::ffff:127.0.0.1). */
function hextets(v6: string): number[] {
  let s = v6.toLowerCase().replace(/%.*$/, "");
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
    s = s.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((x) => parseInt(x, 16));
}

/** True when `ip` (v4 or v6) lies in a range a webhook must not reach. A v4-mapped v6 is judged as its v4. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, "ipv4");
  if (family !== 6) return true; // not an address: refuse rather than guess
  const h = hextets(ip);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated) carry a v4 address.
  if (h.slice(0, 5).every((x) => x === 0) && (h[5] === 0xffff || (h[5] === 0 && (h[6] !== 0 || h[7]! > 1)))) {
    return blocked.check(`${h[6]! >> 8}.${h[6]! & 255}.${h[7]! >> 8}.${h[7]! & 255}`, "ipv4");
  }
  return blocked.check(ip, "ipv6");
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host once and checks every address it has; the request then connects to
 * the returned address only (pinned), so a second DNS answer cannot point it elsewhere.
 */
export async function resolveTarget(url: URL, allowPrivate: boolean): Promise<ResolvedTarget> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const found = isIP(host) ? [{ address: host, family: isIP(host) as 4 | 6 }] : ((await lookup(host, { all: true, verbatim: true })) as ResolvedTarget[]);
  if (found.length === 0) throw new TargetRefused("webhooks.unresolvable");
  if (!allowPrivate && found.some((a) => isPrivateAddress(a.address))) throw new TargetRefused("webhooks.privateAddress");
  return found[0]!;
}

export class TargetRefused extends Error {
  constructor(readonly key: "webhooks.privateAddress" | "webhooks.unresolvable") {
    super(key === "webhooks.privateAddress" ? "the target resolves to a private, loopback or link-local address" : "the target host does not resolve");
  }
}
