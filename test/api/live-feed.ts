import type { Client } from "graphql-ws";

export interface FeedItem<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; seq?: number } }[];
}

/** A subscription's results as they arrive, with a way to wait for a condition (or for the stream to end). */
export function feed<T = any>(client: Client, query: string, variables: Record<string, unknown>) {
  const items: FeedItem<T>[] = [];
  const state = { error: undefined as unknown, done: false };
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        items.push(value as FeedItem<T>);
        wake();
      },
      error: (error) => {
        state.error = error;
        state.done = true;
        wake();
      },
      complete: () => {
        state.done = true;
        wake();
      },
    },
  );
  return {
    items,
    state,
    unsubscribe,
    /** The RESYNC_REQUIRED signal, if the server sent one. */
    resync: () => items.find((i) => i.errors?.some((e) => e.extensions?.code === "RESYNC_REQUIRED"))?.errors![0],
    /** Resolves once `done(items)` holds or the stream ended; rejects when time runs out. */
    until(done: (items: FeedItem<T>[]) => boolean, timeoutMs = 20_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (done(items) || state.done) finish();
        };
        const timer = setTimeout(() => finish(new Error(`timed out after ${items.length} items`)), timeoutMs);
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
