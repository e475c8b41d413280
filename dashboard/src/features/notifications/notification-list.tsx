import { useCallback } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { describeError } from "../../errors";
import { graphql } from "../../gql";
import { announceUnread, useNotificationsChanged } from "./use-notifications";
import "./notifications.css";

const ListQuery = graphql(`
  query NotificationList($first: Int!) {
    notifications(first: $first) {
      id
      kind
      title
      body
      link
      createdAt
      readAt
    }
    unreadNotificationCount
  }
`);

const MarkRead = graphql(`
  mutation MarkNotificationsRead($ids: [Int!]!) {
    markNotificationsRead(notificationIds: $ids)
  }
`);

const MarkAllRead = graphql(`
  mutation MarkAllNotificationsRead {
    markAllNotificationsRead
  }
`);

const KIND: Record<string, string> = {
  DUE_SOON: "Due soon",
  DUE_TODAY: "Due today",
  LATE: "Overdue",
  SENT_BACK: "Sent back",
  ACCEPTED: "Accepted",
  DIGEST: "Digest",
};

const when = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });

/** Your notifications, newest first, live; each links into the dashboard and can be marked read. */
export function NotificationList({ canWrite }: { canWrite: boolean }) {
  const [{ data, error, fetching }, refetch] = useQuery({ query: ListQuery, variables: { first: 100 }, requestPolicy: "cache-and-network" });
  const [mark, markRead] = useMutation(MarkRead);
  const [markAll, markAllRead] = useMutation(MarkAllRead);
  useNotificationsChanged(useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]));
  if (error && !data) return <p role="alert">{describeError(error)}</p>;
  if (!data) return <p role="status">{fetching ? "Loading your notifications…" : ""}</p>;
  const items = data.notifications;
  const readOne = async (id: number) => {
    const result = await markRead({ ids: [id] });
    if (result.data) announceUnread(result.data.markNotificationsRead);
  };
  const readAll = async () => {
    const result = await markAllRead({});
    if (result.data) announceUnread(result.data.markAllNotificationsRead);
  };
  return (
    <section className="panel notification-list" aria-labelledby="notification-list-title">
      <div className="notification-list__head">
        <h2 id="notification-list-title">
          Your notifications <span className="notification-list__count">({data.unreadNotificationCount} unread)</span>
        </h2>
        {canWrite && data.unreadNotificationCount > 0 && (
          <button type="button" className="button button--secondary" onClick={readAll} disabled={markAll.fetching}>
            Mark all as read
          </button>
        )}
      </div>
      {(mark.error || markAll.error) && <p role="alert">{describeError((mark.error ?? markAll.error)!)}</p>}
      {items.length === 0 ? (
        <p>Nothing yet. Reminders, chasers and decisions on your returns will appear here.</p>
      ) : (
        <ul className="notification-list__items">
          {items.map((n) => (
            <li key={n.id} className={`notification${n.readAt ? "" : " notification--unread"}`} data-testid="notification">
              <div className="notification__meta">
                <span className={`notification__kind notification__kind--${n.kind.toLowerCase()}`}>{KIND[n.kind] ?? n.kind}</span>
                <time dateTime={String(n.createdAt)}>{when.format(new Date(n.createdAt as string))}</time>
                {!n.readAt && <span className="notification__new">Unread</span>}
              </div>
              <p className="notification__title">
                <Link to={n.link}>{n.title}</Link>
              </p>
              <p className="notification__body">{n.body}</p>
              {canWrite && !n.readAt && (
                <button type="button" className="button button--secondary notification__read" onClick={() => readOne(n.id)} disabled={mark.fetching}>
                  Mark as read<span className="visually-hidden">: {n.title}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
