import { useCallback, useEffect, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { useLiveSubscription, useResyncKey } from "../../live";

const UnreadQuery = graphql(`
  query UnreadNotificationCount {
    unreadNotificationCount
  }
`);

export const NotificationsChanged = graphql(`
  subscription NotificationsChanged {
    notificationsChanged {
      unreadCount
      latest {
        id
        kind
        title
        body
        link
        createdAt
        readAt
      }
    }
  }
`);

/** Bumped by every live change to the viewer's notifications, for lists that should refetch. */
const listeners = new Set<(count: number) => void>();

/**
 * The signed-in user's unread count, kept live over the `notificationsChanged` subscription and refetched after a
 * reconnection. Lists elsewhere on the page can follow the same events with `onNotificationsChanged`.
 */
export function useUnreadCount(): number | null {
  const resyncKey = useResyncKey();
  const [{ data }, refetch] = useQuery({ query: UnreadQuery, requestPolicy: "network-only" });
  const [live, setLive] = useState<number | null>(null);
  useEffect(() => {
    if (resyncKey > 0) refetch({ requestPolicy: "network-only" });
  }, [resyncKey, refetch]);
  useEffect(() => {
    if (data) setLive(data.unreadNotificationCount);
  }, [data]);
  useLiveSubscription(NotificationsChanged, {}, (event) => {
    setLive(event.notificationsChanged.unreadCount);
    for (const listener of listeners) listener(event.notificationsChanged.unreadCount);
  });
  useEffect(() => {
    const local = (count: number) => setLive(count);
    listeners.add(local);
    return () => void listeners.delete(local);
  }, []);
  return live;
}

/** Calls `onChange` with the new unread count whenever the viewer's notifications change (live or marked read here). */
export function useNotificationsChanged(onChange: (count: number) => void): void {
  const stable = useCallback(onChange, [onChange]);
  useEffect(() => {
    listeners.add(stable);
    return () => void listeners.delete(stable);
  }, [stable]);
}

/** Tells every follower on this page that the count changed (after marking read, which the server also announces). */
export function announceUnread(count: number): void {
  for (const listener of listeners) listener(count);
}
