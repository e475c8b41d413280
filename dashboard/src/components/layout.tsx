import { useEffect, useRef, type ReactNode } from "react";
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
}

const OFFICE_ROLES = ["COMMISSIONER", "OFFICER", "ADMIN"] as const;

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/board", label: "Review board", roles: OFFICE_ROLES, keepSelection: true, end: true },
  { to: "/returns", label: "Returns", roles: OFFICE_ROLES, keepSelection: true },
  { to: "/board/present", label: "Present", roles: OFFICE_ROLES, keepSelection: true },
  { to: "/explorer", label: "Explorer", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true },
  { to: "/benchmarks", label: "Benchmarks", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true },
  { to: "/contracts", label: "Contracts", roles: OFFICE_ROLES, keepSelection: true },
  { to: "/money", label: "Money", roles: OFFICE_ROLES, keepSelection: true },
  { to: "/quarters", label: "Quarters", roles: OFFICE_ROLES, keepSelection: true },
  { to: "/provider", label: "Your returns", roles: ["PROVIDER"], end: true },
  { to: "/briefs", label: "Briefs", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true },
  { to: "/decisions", label: "Decisions", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true },
  { to: "/risks", label: "Risks", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true },
  { to: "/plans", label: "Plans", roles: ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"], keepSelection: true },
  // Providers and offices are reached from Users (features/users/people-nav.tsx), keeping the bar to one line.
  { to: "/users", label: "Users", roles: OFFICE_ROLES, keepSelection: true },
];

export interface LayoutProps {
  children: ReactNode;
  /** Show the office (administrators) and quarter pickers. */
  pickers?: boolean;
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
        {items.length > 0 && (
          <nav className="site-nav" aria-label="Main">
            <ul className="wide-container site-nav__list">
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to + (item.keepSelection ? selection : "")} end={item.end} className="site-nav__link">
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      {pickers && (
        <div className="toolbar no-print">
          <div className="wide-container toolbar__inner">
            <OfficeQuarterPicker />
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
