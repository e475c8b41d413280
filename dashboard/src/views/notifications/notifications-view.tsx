import { MailPreferencesForm } from "../../features/notifications/mail-preferences-form";
import { MailScheduleForm } from "../../features/notifications/mail-schedule-form";
import { NotificationList } from "../../features/notifications/notification-list";
import { OutboxTable } from "../../features/notifications/outbox-table";
import { useSession } from "../../session";
import { useOfficeId } from "../../url-state";
import "./notifications-view.css";

/** /notifications: your notifications (live), your mail choices, your office's schedule (staff) and the outbox (administrators). */
export default function NotificationsView() {
  const { user } = useSession();
  const [selectedOffice] = useOfficeId();
  if (!user) return null;
  const staff = user.role === "ADMIN" || user.role === "COMMISSIONER" || user.role === "OFFICER" || user.role === "ANALYST";
  const officeId = user.office?.id ?? selectedOffice ?? null;
  return (
    <div className="notifications-view">
      <h1>Notifications</h1>
      <div className="notifications-view__grid">
        <NotificationList canWrite={user.role !== "ANALYST"} />
        <div className="notifications-view__side">
          {user.role !== "ANALYST" && <MailPreferencesForm isProvider={user.role === "PROVIDER"} />}
          {staff && officeId != null && <MailScheduleForm officeId={officeId} canChange={user.role !== "ANALYST"} />}
        </div>
      </div>
      {user.role === "ADMIN" && <OutboxTable />}
    </div>
  );
}
