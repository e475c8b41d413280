import { createClient as createWsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";

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
}

/**
 * A client is bound to one token: signing in or out builds a new one, which also
 * drops the previous user's cache and WebSocket.
 */
export function createClient({ token }: HubClientOptions): Client {
  const ws = createWsClient({
    url: graphqlWsUrl(),
    // The server authenticates a socket once, on connect, from these params.
    connectionParams: token ? { authorization: bearer(token) } : {},
  });

  return new Client({
    url: GRAPHQL_PATH,
    // Apollo's CSRF prevention rejects urql's default GET queries.
    preferGetMethod: false,
    fetchOptions: (): RequestInit => {
      const headers: Record<string, string> = token ? { Authorization: bearer(token) } : {};
      return { headers };
    },
    exchanges: [
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
}
