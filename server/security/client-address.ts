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
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  const parts = text.split(",").map((part) => part.trim()).filter(Boolean);
  for (const part of parts) {
    try {
      proxyaddr.compile(part);
    } catch (error) {
      throw new Error(`TRUST_PROXY: "${part}" is not an address, a CIDR range, a number of hops or one of loopback, linklocal, uniquelocal (${(error as Error).message})`);
    }
  }
  return proxyaddr.compile(parts);
}

/** Bits of an IPv6 address that name one client: a /64 is what one site, or one customer, is given. */
const IPV6_CLIENT_PREFIX = 64;

/**
 * One key per client however its address is written: an IPv4 address and its IPv4-mapped IPv6 form are the same
 * client, so are any spellings of one IPv6 address, and an address with a port or zone is the address. IPv6 is
 * keyed by its /64, since each host of a /64 can take a fresh address at will. Anything that is not an address
 * (what a misconfigured hop count lets a client put in X-Forwarded-For) shares the one key "invalid".
 */
export function addressKey(address: string | undefined): string {
  if (!address) return "unknown";
  let text = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.replace(/%.*$/, "");
  if (!ipaddr.isValid(text)) return "invalid";
  const parsed = ipaddr.process(text);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, IPV6_CLIENT_PREFIX / 16);
  return `${parts.map((part) => part.toString(16)).join(":")}::/${IPV6_CLIENT_PREFIX}`;
}

/** The client's address key for budgets and penalty boxes, over HTTP and for WebSocket upgrades alike. */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  if (!trust || !req.socket.remoteAddress) return addressKey(req.socket.remoteAddress);
  return addressKey(proxyaddr(req, trust));
}
