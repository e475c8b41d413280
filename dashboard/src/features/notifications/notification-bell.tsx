import { NavLink } from "react-router";
import { useUnreadCount } from "./use-notifications";
import "./notifications.css";

/** The header's link to /notifications with the live unread count (its accessible name reads "Notifications 3 unread"). */
export function NotificationBell() {
  const unread = useUnreadCount();
  return (
    <NavLink to="/notifications" className="notification-bell">
      Notifications
      {unread != null && unread > 0 && (
        <span className="notification-bell__count" data-testid="unread-count">
          {unread > 99 ? "99+" : unread}
          <span className="visually-hidden"> unread</span>
        </span>
      )}
    </NavLink>
  );
}
