import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useClient, type AnyVariables, type CombinedError } from "urql";
import { getConnectionSnapshot, subscribeConnection, type ConnectionSnapshot, type ConnectionState } from "./client";

export type { ConnectionState };

/** The full snapshot, for the status indicator (it also wants to know whether the first connection happened). */
export function useConnectionSnapshot(): ConnectionSnapshot {
  return useSyncExternalStore(subscribeConnection, getConnectionSnapshot, getConnectionSnapshot);
}

/** "live" while the WebSocket is up, "reconnecting" while it is down, "resynced" for a few seconds after it is back. */
export function useConnectionState(): ConnectionState {
  return useConnectionSnapshot().state;
}

/**
 * Increments after each reconnection. Put it in a query's context (with `requestPolicy: "network-only"`) or an
 * effect's dependencies so the view refetches what it may have missed while offline.
 */
export function useResyncKey(): number {
  return useConnectionSnapshot().resyncKey;
}

export interface LiveSubscriptionOptions {
  pause?: boolean;
  /**
   * Called when the server says RESYNC_REQUIRED (this view fell too far behind, or missed more than a replay
   * holds): refetch what the view shows. The hook then resumes from the seq the server gave.
   */
  onResync?: () => void;
}

/** The seq to resume from if this result is the server's RESYNC_REQUIRED signal; undefined otherwise. */
export function resyncPoint(error: CombinedError | undefined): number | null | undefined {
  const signal = error?.graphQLErrors.find((e) => e.extensions?.code === "RESYNC_REQUIRED");
  if (!signal) return undefined;
  const seq = signal.extensions.seq;
  return typeof seq === "number" ? seq : null;
}

export interface LiveSubscriptionState {
  /** The last error the subscription reported (e.g. FORBIDDEN), if any. */
  error: CombinedError | undefined;
}

/** The `seq` of an event: every live subscription field of the API carries one. 0 means "not stored" (CSV progress). */
function sequenceOf(data: unknown): number | null {
  if (!data || typeof data !== "object") return null;
  for (const value of Object.values(data as Record<string, unknown>)) {
    const seq = (value as { seq?: unknown } | null)?.seq;
    if (typeof seq === "number" && seq > 0) return seq;
  }
  return null;
}

function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Subscribes to a live field and calls `onEvent` once per event, in order.
 *
 * graphql-ws resubscribes by itself after a reconnection, but with the variables it started with, so events
 * published while the socket was down would be lost. After each reconnection this hook subscribes again with
 * `since` set to the largest `seq` it has seen, so the server replays the gap; events seen twice (from the
 * automatic resubscription and the replay) are dropped by their `seq`. When the server cannot replay (too far
 * behind), it says RESYNC_REQUIRED: `onResync` refetches and the hook resumes from the seq the server named.
 */
export function useLiveSubscription<TData, TVars extends AnyVariables>(
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  onEvent: (data: TData) => void,
  options: LiveSubscriptionOptions = {},
): LiveSubscriptionState {
  const client = useClient();
  const resyncKey = useResyncKey();
  const pause = options.pause ?? false;
  const onEventRef = useRef(onEvent);
  const onResyncRef = useRef(options.onResync);
  // Bumped by each RESYNC_REQUIRED: subscribes again, from the seq the server named.
  const [resyncs, setResyncs] = useState(0);
  const errorRef = useRef<CombinedError | undefined>(undefined);
  const variablesRef = useRef(variables);
  const variablesKey = stableKey(variables);
  // The largest seq seen, per set of variables (a different office or quarter is a different stream).
  const lastSeq = useRef<{ key: string; seq: number | null }>({ key: variablesKey, seq: null });

  useEffect(() => {
    onEventRef.current = onEvent;
    onResyncRef.current = options.onResync;
    variablesRef.current = variables;
  });

  useEffect(() => {
    if (pause) return;
    if (lastSeq.current.key !== variablesKey) lastSeq.current = { key: variablesKey, seq: null };
    const stream = lastSeq.current;
    const since = stream.seq;
    const vars = (since != null ? { ...variablesRef.current, since } : variablesRef.current) as TVars;
    const subscription = client.subscription(document, vars).subscribe((result) => {
      const resumeAt = resyncPoint(result.error);
      if (resumeAt !== undefined) {
        // Never a silent gap: refetch, then resume after what the refetch already reflects.
        if (resumeAt != null) stream.seq = Math.max(stream.seq ?? 0, resumeAt);
        onResyncRef.current?.();
        setResyncs((n) => n + 1);
        return;
      }
      if (result.error) errorRef.current = result.error;
      if (result.data == null) return;
      const seq = sequenceOf(result.data);
      if (seq != null) {
        if (stream.seq != null && seq <= stream.seq) return;
        stream.seq = seq;
      }
      onEventRef.current(result.data);
    });
    return () => subscription.unsubscribe();
  }, [client, document, variablesKey, pause, resyncKey, resyncs]);

  return { error: errorRef.current };
}
