import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/** Which hops in front of the server may say who the client is (express's "trust proxy"); null: none. */
export type ProxyTrust = ((address: string, hop: number) => boolean) | null;

/**
 * TRUST_PROXY: unset, the client is the socket's peer and X-Forwarded-For is ignored, so a client cannot name
 * itself another address to escape its budgets. A number trusts that many hops in front of the server; anything
 * else is a comma-separated list of addresses, CIDR ranges or proxy-addr's names (loopback, linklocal, uniquelocal).
 */
export function parseProxyTrust(value: string | undefined): ProxyTrust {
  const text = value?.trim();
  if (!text || text === "false" || text === "0") return null;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  return proxyaddr.compile(text.split(",").map((part) => part.trim()).filter(Boolean));
}

/** The client's address for budgets and penalty boxes, over HTTP and for WebSocket upgrades alike. */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string | undefined {
  if (!trust || !req.socket.remoteAddress) return req.socket.remoteAddress;
  return proxyaddr(req, trust);
}
