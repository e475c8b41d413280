import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from "urql";
import { graphql } from "./gql";

const SessionCheckQuery = graphql(`
  query SessionCheck {
    me {
      id
    }
  }
`);

/** The API and the dashboard share an origin: the server serves dashboard/dist itself. */
export const GRAPHQL_PATH = "/graphql";

export function graphqlHttpUrl(location: Location = window.location): string {
  return new URL(GRAPHQL_PATH, location.origin).toString();
}

export function graphqlWsUrl(location: Location = window.location): string {
  const url = new URL(GRAPHQL_PATH, location.origin);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

export interface HubClientOptions {
  /** Session token from `login`; null for an anonymous client. */
  token: string | null;
  /**
   * Keep the WebSocket open for as long as the client lives (and reconnect it forever), and report its state
   * through `subscribeConnection`. The dashboard wants this; GraphiQL's session bar does not.
   */
  live?: boolean;
  /** Called when the API no longer accepts the token (HTTP 401 or an UNAUTHENTICATED error). */
  onUnauthenticated?: () => void;
}

// ---------------------------------------------------------------------------------------------------------------
// Connection state of the live client's WebSocket, read by live.ts.

export type ConnectionState = "live" | "reconnecting" | "resynced";

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** False until the first connection succeeds: the indicator then says "Connecting" rather than "Reconnecting". */
  everConnected: boolean;
  /** Increments after each reconnection, so views can refetch what they may have missed. */
  resyncKey: number;
}

/** How long "resynced" shows after a reconnection before it settles back to "live". */
export const RESYNCED_MS = 5_000;

let snapshot: ConnectionSnapshot = { state: "reconnecting", everConnected: false, resyncKey: 0 };
const connectionListeners = new Set<() => void>();

function setConnection(next: Partial<ConnectionSnapshot>): void {
  snapshot = { ...snapshot, ...next };
  for (const listener of connectionListeners) listener();
}

export function getConnectionSnapshot(): ConnectionSnapshot {
  return snapshot;
}

export function subscribeConnection(listener: () => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

/** graphql-ws's close code when the server refuses the connection (here: the token is no longer valid). */
const CLOSE_FORBIDDEN = 4403;
const PING_EVERY_MS = 15_000;
const PONG_TIMEOUT_MS = 6_000;
const MAX_RETRY_WAIT_MS = 10_000;

/** Exponential back-off with jitter, capped; cut short when the browser comes back online. */
function retryWait(retries: number): Promise<void> {
  const delay = Math.min(1_000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.floor(Math.random() * 1_000);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener("online", done);
      resolve();
    };
    const timer = setTimeout(done, delay);
    window.addEventListener("online", done);
  });
}

// The WebSocket of the live client that currently reports connection state; events of older clients are ignored.
let activeWs: WsClient | null = null;
let resyncedTimer: ReturnType<typeof setTimeout> | undefined;
const wsByClient = new WeakMap<Client, WsClient>();

function isUnauthenticated(error: CombinedError): boolean {
  if ((error.response as { status?: unknown } | undefined)?.status === 401) return true;
  return error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

/**
 * A client is bound to one token: signing in or out builds a new one, which also
 * drops the previous user's cache and WebSocket.
 */
export function createClient({ token, live = false, onUnauthenticated }: HubClientOptions): Client {
  const keepOpen = live && token !== null;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let dropped = false;
  // A non-lazy graphql-ws client emits "connecting" from inside createWsClient, before `ws` below is assigned.
  let self: WsClient | null = null;
  const reports = () => keepOpen && self !== null && activeWs === self;

  const ws: WsClient = createWsClient({
    url: graphqlWsUrl(),
    // The server authenticates a socket once, on connect, from these params.
    connectionParams: token ? { authorization: bearer(token) } : {},
    lazy: !keepOpen,
    retryAttempts: keepOpen ? Infinity : 5,
    retryWait,
    keepAlive: keepOpen ? PING_EVERY_MS : 0,
    onNonLazyError: () => {
      // Only fatal close codes end up here; the state stays "reconnecting" and the session check below decides.
    },
    on: {
      connecting: () => {
        if (reports() && snapshot.everConnected && snapshot.state !== "reconnecting") setConnection({ state: "reconnecting" });
      },
      connected: () => {
        if (!reports()) return;
        clearTimeout(resyncedTimer);
        if (dropped) {
          dropped = false;
          setConnection({ state: "resynced", everConnected: true, resyncKey: snapshot.resyncKey + 1 });
          resyncedTimer = setTimeout(() => {
            if (reports() && snapshot.state === "resynced") setConnection({ state: "live" });
          }, RESYNCED_MS);
        } else {
          setConnection({ state: "live", everConnected: true });
        }
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        if (!reports()) return;
        if (snapshot.everConnected) dropped = true;
        clearTimeout(resyncedTimer);
        if (snapshot.state !== "reconnecting") setConnection({ state: "reconnecting" });
        if ((event as { code?: unknown } | undefined)?.code === CLOSE_FORBIDDEN) void checkSession();
      },
      // A socket can die without a close event (sleeping laptop, dropped Wi-Fi): no pong in time means it is gone.
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => self?.terminate(), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  const client = new Client({
    url: GRAPHQL_PATH,
    // Apollo's CSRF prevention rejects urql's default GET queries.
    preferGetMethod: false,
    fetchOptions: (): RequestInit => {
      const headers: Record<string, string> = token ? { Authorization: bearer(token) } : {};
      return { headers };
    },
    exchanges: [
      // Only a signed-in client can lose its session; an anonymous one gets UNAUTHENTICATED for a wrong password.
      mapExchange({
        onError(error) {
          if (token && isUnauthenticated(error)) onUnauthenticated?.();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  // The server refuses a socket whose token has expired or been revoked: ask over HTTP, whose answer is definite.
  async function checkSession(): Promise<void> {
    const result = await client.query(SessionCheckQuery, {}, { requestPolicy: "network-only" }).toPromise();
    if (!result.error && result.data && result.data.me === null) onUnauthenticated?.();
  }

  self = ws;
  if (keepOpen) {
    activeWs = ws;
    clearTimeout(resyncedTimer);
    setConnection({ state: "reconnecting", everConnected: false });
    // Going offline rarely closes a socket promptly; drop it now so the indicator tells the truth.
    const offline = () => {
      if (activeWs === ws) ws.terminate();
    };
    window.addEventListener("offline", offline);
    ws.on("closed", () => {
      if (activeWs !== ws) window.removeEventListener("offline", offline);
    });
  }
  wsByClient.set(client, ws);
  return client;
}

/** Closes a client's WebSocket for good (after signing out or in as someone else). */
export function disposeClient(client: Client): void {
  const ws = wsByClient.get(client);
  if (!ws) return;
  if (activeWs === ws) activeWs = null;
  void ws.dispose();
}

let current: { token: string | null; client: Client } | null = null;

/**
 * The dashboard's one live client for a token. Cached at module level so React's double rendering in development
 * cannot open a second socket, and the previous user's client is closed when the token changes.
 */
export function dashboardClient(token: string | null, onUnauthenticated: () => void): Client {
  if (current && current.token === token) return current.client;
  if (current) disposeClient(current.client);
  current = { token, client: createClient({ token, live: true, onUnauthenticated }) };
  return current.client;
}
