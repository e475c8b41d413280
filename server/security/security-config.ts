import { parseProxyTrust, type ProxyTrust } from "./client-address.js";

/** The limits and budgets that protect the server from a hostile or broken client (README: "Limits and budgets"). */
export interface SecurityConfig {
  /** Bytes of a GraphQL document; refused before parsing. */
  maxDocumentBytes: number;
  /** Bytes of an operation's variables (as sent); refused before parsing. */
  maxVariablesBytes: number;
  /** Tokens graphql-js may read before it stops parsing (graphql-js `parse(…, { maxTokens })`). */
  maxTokens: number;
  /** Directives in one document. */
  maxDirectives: number;
  /** Bytes of one HTTP request body; the CSV upload is the largest legitimate one. */
  maxBodyBytes: number;
  /** WebSocket: open connections one user may hold. */
  wsConnectionsPerUser: number;
  /** WebSocket: connection attempts one user may make per minute. */
  wsConnectsPerMinute: number;
  /** WebSocket: upgrades one client address may make per minute. */
  wsUpgradesPerMinute: number;
  /** WebSocket: subscribe messages a socket may send at once (bucket size) and per second (refill). */
  wsSubscribeBurst: number;
  wsSubscribesPerSecond: number;
  /** WebSocket: largest message, in bytes (`ws` maxPayload). */
  wsMaxPayloadBytes: number;
  /** WebSocket: how long a socket may wait before sending connection_init. */
  wsInitTimeoutMs: number;
  /**
   * WebSocket penalty box: sockets closed for abuse (1009, 4029, 4030, 4031) within a minute before an account,
   * or a client address, is boxed; the first box's length in seconds (0: no penalty box), doubling up to the max.
   */
  wsPenaltyOffences: number;
  wsPenaltyAddressOffences: number;
  wsPenaltySeconds: number;
  wsPenaltyMaxSeconds: number;
  /** Logins: wrong passwords for one account before it is locked, and the first lock's length (doubling after). */
  loginMaxFailures: number;
  loginLockSeconds: number;
  loginMaxLockSeconds: number;
  /** Proxies trusted to name the client (TRUST_PROXY); null: the socket's peer is the client. */
  trustProxy: ProxyTrust;
  /** Stack traces in error responses: only when NODE_ENV=development is set explicitly. */
  exposeStackTraces: boolean;
}

function int(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

export function loadSecurityConfig(env: NodeJS.ProcessEnv): SecurityConfig {
  return {
    maxDocumentBytes: int(env.MAX_DOCUMENT_BYTES, 16 * 1024),
    maxVariablesBytes: int(env.MAX_VARIABLES_BYTES, 64 * 1024),
    maxTokens: int(env.MAX_QUERY_TOKENS, 1000),
    maxDirectives: int(env.MAX_QUERY_DIRECTIVES, 50),
    maxBodyBytes: int(env.MAX_BODY_BYTES, 12 * 1024 * 1024),
    wsConnectionsPerUser: int(env.WS_CONNECTIONS_PER_USER, 10),
    wsConnectsPerMinute: int(env.WS_CONNECTS_PER_MINUTE, 60),
    wsUpgradesPerMinute: int(env.WS_UPGRADES_PER_MINUTE, 300),
    wsSubscribeBurst: int(env.WS_SUBSCRIBE_BURST, 50),
    wsSubscribesPerSecond: int(env.WS_SUBSCRIBES_PER_SECOND, 5),
    wsMaxPayloadBytes: int(env.WS_MAX_PAYLOAD_BYTES, 96 * 1024),
    wsInitTimeoutMs: int(env.WS_INIT_TIMEOUT_MS, 5000),
    wsPenaltyOffences: int(env.WS_PENALTY_OFFENCES, 5),
    wsPenaltyAddressOffences: int(env.WS_PENALTY_ADDRESS_OFFENCES, 10),
    wsPenaltySeconds: int(env.WS_PENALTY_SECONDS, 10),
    wsPenaltyMaxSeconds: int(env.WS_PENALTY_MAX_SECONDS, 900),
    loginMaxFailures: int(env.LOGIN_MAX_FAILURES, 5),
    loginLockSeconds: int(env.LOGIN_LOCK_SECONDS, 30),
    loginMaxLockSeconds: int(env.LOGIN_MAX_LOCK_SECONDS, 3600),
    trustProxy: parseProxyTrust(env.TRUST_PROXY),
    exposeStackTraces: env.NODE_ENV === "development",
  };
}
