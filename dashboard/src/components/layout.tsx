import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { NavLink, useLocation } from "react-router";
import { useSession, type Role } from "../session";
import { useSelectionSearch } from "../url-state";
import { NotificationBell } from "../features/notifications/notification-bell";
import { ConnectionStatus } from "./connection-status";
import { CurrentUser } from "./current-user";
import { OfficeQuarterPicker } from "./office-quarter-picker";

export interface NavItem {
  to: string;
  label: string;
  roles: readonly Role[];
  /** Carry the office and quarter across, so switching views keeps the selection. */
  keepSelection?: boolean;
  /** Match the path exactly (so "Review board" is not current on /board/present). */
  end?: boolean;
  /** The nav's group; the groups keep fourteen links to one row on a desktop and short lists in the phone menu. */
  group?: NavGroup;
}

export type NavGroup = "review" | "commissioning" | "money" | "admin";

const NAV_GROUPS: readonly { key: NavGroup | undefined; label: string | null }[] = [
  { key: undefined, label: null },
  { key: "review", label: "Review" },
  { key: "commissioning", label: "Commissioning" },
  { key: "money", label: "Money & quarters" },
  { key: "admin", label: "Admin" },
];

const OFFICE_ROLES = ["COMMISSIONER", "OFFICER", "ADMIN"] as const;

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/board", label: "Review board", roles: OFFICE_ROLES, keepSelection: true, end: true, group: "review" },
  { to: "/returns", label: "Returns", roles: OFFICE_ROLES, keepSelection: true, group: "review" },
  { to: "/board/present", label: "Present", roles: OFFICE_ROLES, keepSelection: true, group: "review" },
  { to: "/explorer", label: "Explorer", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true, group: "review" },
  { to: "/benchmarks", label: "Benchmarks", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true, group: "review" },
  { to: "/contracts", label: "Contracts", roles: OFFICE_ROLES, keepSelection: true, group: "commissioning" },
  { to: "/money", label: "Money", roles: OFFICE_ROLES, keepSelection: true, group: "money" },
  { to: "/quarters", label: "Quarters", roles: OFFICE_ROLES, keepSelection: true, group: "money" },
  { to: "/provider", label: "Your returns", roles: ["PROVIDER"], end: true },
  { to: "/briefs", label: "Briefs", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true, group: "commissioning" },
  { to: "/decisions", label: "Decisions", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true, group: "commissioning" },
  { to: "/risks", label: "Risks", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true, group: "commissioning" },
  { to: "/plans", label: "Plans", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true, group: "commissioning" },
  // Providers and offices are reached from Users (features/users/people-nav.tsx), keeping the bar to one line.
  { to: "/users", label: "Users", roles: OFFICE_ROLES, keepSelection: true, group: "admin" },
];

export interface LayoutProps {
  children: ReactNode;
  /** Show the office (administrators) and quarter pickers; "office" shows the office picker alone, to administrators. */
  pickers?: boolean | "office";
}

/** The frame of every signed-in page: header, navigation for the role, pickers, live status, user; then the view. */
export function Layout({ children, pickers = false }: LayoutProps) {
  const { user, signOut } = useSession();
  const selection = useSelectionSearch();
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef(pathname);

  // A new page keeps focus on the link that opened it unless moved: start keyboard and screen-reader users at the top of the content.
  useEffect(() => {
    if (previousPath.current === pathname) return;
    previousPath.current = pathname;
    mainRef.current?.focus({ preventScroll: false });
  }, [pathname]);

  const items = user ? NAV_ITEMS.filter((item) => item.roles.includes(user.role)) : [];
  const groups = NAV_GROUPS.map((group) => ({ ...group, items: items.filter((item) => item.group === group.key) })).filter((group) => group.items.length > 0);
  const officeName = user?.office?.name ?? user?.provider?.name ?? null;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__bar">
          <div className="wide-container site-header__inner">
            <div className="site-header__brand">
              <NavLink to="/" className="site-header__product">
                Commissioning Hub
              </NavLink>
              {officeName && <span className="site-header__org">{officeName}</span>}
            </div>
            <div className="site-header__tools">
              <ConnectionStatus />
              {user && <NotificationBell />}
              {user && <CurrentUser knownUser={user} onSignOut={signOut} onSessionEnded={signOut} compact />}
            </div>
          </div>
        </div>
        {items.length > 0 && <MainNav groups={groups} selection={selection} pathname={pathname} />}
      </header>
      {(pickers === true || (pickers === "office" && user?.role === "ADMIN")) && (
        <div className="toolbar no-print">
          <div className="wide-container toolbar__inner">
            <OfficeQuarterPicker quarter={pickers === true} />
          </div>
        </div>
      )}
      <main id="main" ref={mainRef} className="wide-container page" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer no-print">
        <div className="wide-container">
          <p>
            Commissioning Hub · <a href="/graphiql/">GraphQL explorer</a>
          </p>
        </div>
      </footer>
    </>
  );
}

interface MainNavProps {
  groups: { key: NavGroup | undefined; label: string | null; items: NavItem[] }[];
  selection: string;
  pathname: string;
}

/**
 * The role's pages in labelled groups: one row on a desktop, behind a "Menu" disclosure button on a phone or narrow
 * window (so the header never wraps into three rows or scrolls sideways). Every link stays a plain link in the
 * page's order; the groups are lists named by their labels.
 */
function MainNav({ groups, selection, pathname }: MainNavProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [pathname]);

  function closeOnEscape(event: KeyboardEvent) {
    if (event.key !== "Escape" || !open) return;
    setOpen(false);
    toggleRef.current?.focus();
  }

  return (
    <nav className={`site-nav${open ? " site-nav--open" : ""}`} aria-label="Main" onKeyDown={closeOnEscape}>
      <div className="wide-container site-nav__inner">
        <button type="button" ref={toggleRef} className="site-nav__toggle" aria-expanded={open} aria-controls={`${id}-groups`} onClick={() => setOpen(!open)}>
          <span className="site-nav__toggle-icon" aria-hidden="true" />
          Menu
        </button>
        <ul id={`${id}-groups`} className="site-nav__groups">
          {groups.map((group) => (
            <li key={group.key ?? "top"} className="site-nav__group">
              {group.label && (
                <span id={`${id}-${group.key}`} className="site-nav__group-label">
                  {group.label}
                </span>
              )}
              <ul className="site-nav__list" aria-labelledby={group.label ? `${id}-${group.key}` : undefined}>
                {group.items.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to + (item.keepSelection ? selection : "")} end={item.end} className="site-nav__link">
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </div>
    </nav>
  );
}
