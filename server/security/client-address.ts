import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

/** Which hops in front of the server may say who the client is (express's "trust proxy"); null: none. */
export type ProxyTrust = ((address: string, hop: number) => boolean) | null;

/**
 * TRUST_PROXY: unset, the client is the socket's peer and X-Forwarded-For is ignored, so a client cannot name
 * itself another address to escape its budgets. A number trusts that many hops in front of the server; anything
 * else is a comma-separated list of addresses, CIDR ranges or proxy-addr's names (loopback, linklocal, uniquelocal).
 * A value that is none of these stops the server at start with a message naming the part it could not read.
 */
export function parseProxyTrust(value: string | undefined): ProxyTrust {
  const text = value?.trim();
  if (!text || text === "false" || text === "0") return null;
  const refuse = (part: string, why: string) => new Error(`TRUST_PROXY: ${JSON.stringify(part)} ${why}`);
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_TRUSTED_HOPS) throw refuse(text, `is more hops than any chain of proxies has (at most ${MAX_TRUSTED_HOPS}); it would trust whatever a client writes`);
    return (_address, hop) => hop < hops;
  }
  const parts = text.split(",").map((part) => part.trim());
  for (const part of parts) {
    const [address, bits, ...more] = part.split("/");
    const plain =
      PROXY_NAMES.has(part) ||
      (more.length === 0 && (bits === undefined || /^\d{1,3}$/.test(bits)) && (address.includes(":") ? ipaddr.IPv6.isValid(address) && (!address.includes(".") || DECIMAL_QUAD.test(address.slice(address.lastIndexOf(":") + 1))) : DECIMAL_QUAD.test(address)));
    // Only plain spellings: "010.0.0.1" would be read as octal (8.0.0.1), "1" in a list as the address 0.0.0.1.
    const problem = plain ? compileError(part) : "is not written plainly";
    if (problem) throw refuse(part, `is not an address, a CIDR range, a number of hops or one of loopback, linklocal, uniquelocal (${problem}; write addresses in plain decimal or standard IPv6, comma-separated)`);
  }
  const compiled = proxyaddr.compile(parts);
  // A hop is judged by its address however it is written: with a port, brackets or a zone, or IPv4-mapped.
  return (address, hop) => {
    const plain = canonicalAddress(address);
    return plain !== null && compiled(plain, hop);
  };
}

function compileError(part: string): string | null {
  try {
    proxyaddr.compile(part);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A hop count beyond this trusts every entry a client writes into X-Forwarded-For: refused as a setting. */
const MAX_TRUSTED_HOPS = 32;
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
/** A dotted quad in plain decimal without leading zeros, the only IPv4 spelling a setting may use. */
const DECIMAL_QUAD = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/**
 * An address as one canonical string (IPv4 dotted decimal, IPv4-mapped IPv6 as its IPv4 address, IPv6 in its
 * normal form), however it came written: with a port ("a.b.c.d:p", "[v6]:p"), brackets, a zone ("%eth0") or
 * spaces; IPv4 octets are read as decimal, leading zeros and all (proxies write decimal; an octal reading would
 * turn "198.18.20.08" into another address). Null for anything that is not an address.
 */
export function canonicalAddress(address: string): string | null {
  let text = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.replace(/%.*$/, "");
  // A trailing dotted quad (alone or inside IPv6) in decimal, each octet at most 255.
  const quad = /(^|:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const octets = quad.slice(2).map((o) => (o.length > 8 ? 256 : Number.parseInt(o, 10)));
    if (octets.some((o) => o > 255)) return null;
    text = `${text.slice(0, quad.index)}${quad[1]}${octets.join(".")}`;
  }
  if (text.includes(":") ? !ipaddr.IPv6.isValid(text) : !quad) return null;
  const parsed = ipaddr.process(text);
  return parsed.kind() === "ipv4" ? parsed.toString() : (parsed as ipaddr.IPv6).toNormalizedString();
}

/** Bits of an IPv6 address that name one client: a /64 is what one site, or one customer, is given. */
const IPV6_CLIENT_PREFIX = 64;

/**
 * One key per client however its address is written (see canonicalAddress). IPv6 is keyed by its /64, since each
 * host of a /64 can take a fresh address at will. Anything that is not an address (what a misconfigured hop count
 * lets a client put in X-Forwarded-For) shares the one key "invalid".
 */
export function addressKey(address: string | undefined): string {
  if (!address) return "unknown";
  const plain = canonicalAddress(address);
  if (plain === null) return "invalid";
  if (!plain.includes(":")) return plain;
  const parts = ipaddr.IPv6.parse(plain).parts.slice(0, IPV6_CLIENT_PREFIX / 16);
  return `${parts.map((part) => part.toString(16)).join(":")}::/${IPV6_CLIENT_PREFIX}`;
}

/** The client's address key for budgets and penalty boxes, over HTTP and for WebSocket upgrades alike. */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  if (!trust || !req.socket.remoteAddress) return addressKey(req.socket.remoteAddress);
  return addressKey(proxyaddr(req, trust));
}
