import type { FormattedExecutionResult as ExecutionResult } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

/** A real graphql-ws client over a real WebSocket. */
export function wsClient(url: string, token: string | null, options: { origin?: string; retryAttempts?: number } = {}): Client {
  return createClient({
    url: url.replace(/^http/, "ws") + "/graphql",
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, options.origin ? { headers: { origin: options.origin } } : {});
      }
    },
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: options.retryAttempts ?? 0,
    lazy: true,
  });
}

/** Collects a subscription's results until `until` says stop or the time runs out. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, until: (items: ExecutionResult<T>[]) => boolean, timeoutMs = 10_000): Promise<ExecutionResult<T>[]> {
  const items: ExecutionResult<T>[] = [];
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(items);
    }, timeoutMs);
    unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          items.push(value as ExecutionResult<T>);
          if (until(items)) {
            clearTimeout(timer);
            unsubscribe();
            resolve(items);
          }
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error);
        },
        complete: () => {
          clearTimeout(timer);
          resolve(items);
        },
      },
    );
  });
}
