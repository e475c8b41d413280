import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from "react";
import { BrowserRouter, Link, Navigate, Route, Routes, useNavigate } from "react-router";
import { Provider } from "urql";
import { dashboardClient } from "./client";
import { Layout } from "./components/layout";
import { describeError } from "./errors";
import { endSession, homePathFor, SessionProvider, useSession, useSessionCheck, useSessionToken, type Role } from "./session";
import { HomeView } from "./views/home-view";

// Each view is its own chunk: a provider never downloads the review board's charts.
const ReviewBoard = lazy(() => import("./views/board/review-board"));
const PresentationMode = lazy(() => import("./views/board/presentation-mode"));
const ReturnsReview = lazy(() => import("./views/returns/returns-review"));
const ProviderHome = lazy(() => import("./views/provider/provider-home"));
const ReturnForm = lazy(() => import("./views/provider/return-form"));
const Explorer = lazy(() => import("./views/explorer/explorer"));
const Benchmarks = lazy(() => import("./views/benchmarks/benchmarks-view"));
const Transparency = lazy(() => import("./views/open/transparency-page"));
const Contracts = lazy(() => import("./views/contracts/contracts-view"));
const ContractPage = lazy(() => import("./views/contracts/contract-view"));
const ContractEdit = lazy(() => import("./views/contracts/contract-edit-view"));
const Money = lazy(() => import("./views/money/money-view"));
const Quarters = lazy(() => import("./views/quarters/quarters-view"));
const Briefs = lazy(() => import("./views/briefs/briefs-view"));
const Decisions = lazy(() => import("./views/decisions/decisions-view"));
const Risks = lazy(() => import("./views/risks/risks-view"));
const Plans = lazy(() => import("./views/plans/plans-view"));
const Users = lazy(() => import("./views/users/users-view"));
const Offices = lazy(() => import("./views/users/offices-view"));
const Providers = lazy(() => import("./views/users/providers-view"));
const Notifications = lazy(() => import("./views/notifications/notifications-view"));

const OFFICE: readonly Role[] = ["COMMISSIONER", "OFFICER", "ADMIN"];
const PROVIDER: readonly Role[] = ["PROVIDER"];
const READERS: readonly Role[] = ["ANALYST", "COMMISSIONER", "OFFICER", "ADMIN"];

interface PageSpec {
  path: string;
  view: ComponentType;
  title: string;
  roles: readonly Role[];
  /** "office": the office select alone (administrators), for views whose records are not by quarter. */
  pickers: boolean | "office";
}

export const PAGES: readonly PageSpec[] = [
  // Panel analysts may read the board too; it hides every officer action from them.
  { path: "/board", view: ReviewBoard, title: "Review board", roles: READERS, pickers: true },
  { path: "/board/present", view: PresentationMode, title: "Presentation", roles: READERS, pickers: true },
  { path: "/returns", view: ReturnsReview, title: "Returns", roles: OFFICE, pickers: true },
  { path: "/provider", view: ProviderHome, title: "Your returns", roles: PROVIDER, pickers: false },
  { path: "/provider/returns/:contractId/:periodId", view: ReturnForm, title: "Return", roles: PROVIDER, pickers: false },
  { path: "/explorer", view: Explorer, title: "Explorer", roles: READERS, pickers: true },
  { path: "/benchmarks", view: Benchmarks, title: "Benchmarks", roles: READERS, pickers: false },
  // The officers' workspace: office roles only (analysts read the Panel's figures in the explorer instead).
  { path: "/contracts", view: Contracts, title: "Contracts", roles: OFFICE, pickers: false },
  { path: "/contracts/new", view: ContractEdit, title: "New contract", roles: OFFICE, pickers: false },
  { path: "/contracts/:contractId", view: ContractPage, title: "Contract", roles: OFFICE, pickers: false },
  { path: "/contracts/:contractId/edit", view: ContractEdit, title: "Edit contract", roles: OFFICE, pickers: false },
  { path: "/money", view: Money, title: "Money", roles: OFFICE, pickers: false },
  { path: "/quarters", view: Quarters, title: "Quarters", roles: OFFICE, pickers: false },
  // The officers' workspace (issue 11): analysts read briefs, published decisions, risks and plans, and write nothing.
  { path: "/briefs", view: Briefs, title: "Project briefs", roles: READERS, pickers: "office" },
  { path: "/decisions", view: Decisions, title: "Decisions", roles: READERS, pickers: "office" },
  { path: "/risks", view: Risks, title: "Risk register", roles: READERS, pickers: true },
  { path: "/plans", view: Plans, title: "Plans and questions", roles: READERS, pickers: true },
  { path: "/users", view: Users, title: "Users", roles: OFFICE, pickers: "office" },
  { path: "/offices", view: Offices, title: "Offices", roles: ["ADMIN"], pickers: false },
  { path: "/providers", view: Providers, title: "Providers", roles: OFFICE, pickers: false },
  { path: "/notifications", view: Notifications, title: "Notifications", roles: [...READERS, "PROVIDER"], pickers: false },
];

function Loading({ what = "Loading…" }: { what?: string }) {
  return (
    <p className="loading" role="status">
      {what}
    </p>
  );
}

/** While a stored token is checked, or when the check could not reach the server. */
function SessionGate({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const { checking, error } = useSessionCheck();
  if (user) return <>{children}</>;
  return (
    <main id="main" className="wide-container page" tabIndex={-1}>
      {checking || !error ? (
        <Loading what="Checking your session…" />
      ) : (
        <div className="panel" role="alert">
          <h1>Commissioning Hub is not available</h1>
          <p>{describeError(error)}</p>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        </div>
      )}
    </main>
  );
}

/** A signed-in page: the sign-in form in place when signed out (so a deep link survives signing in), else the view in the layout. */
function Page({ spec }: { spec: PageSpec }) {
  const { user, token } = useSession();
  useEffect(() => {
    document.title = `${spec.title} – Commissioning Hub`;
  }, [spec.title]);
  if (!token) return <HomeView />;
  const View = spec.view;
  return (
    <SessionGate>
      {user && !spec.roles.includes(user.role) ? (
        <Layout>
          <h1>This page is not part of your role</h1>
          <p>
            <Link to={homePathFor(user.role)}>Go to your start page</Link>
          </p>
        </Layout>
      ) : (
        <Layout pickers={spec.pickers}>
          <Suspense fallback={<Loading />}>
            <View />
          </Suspense>
        </Layout>
      )}
    </SessionGate>
  );
}

/** `/`: the sign-in page, or straight on to the role's start page. */
function Home() {
  const { user, token } = useSession();
  const navigate = useNavigate();
  if (!token) return <HomeView onSignedIn={(signedIn) => navigate(homePathFor(signedIn.role), { replace: true })} />;
  if (!user) return <SessionGate>{null}</SessionGate>;
  return <Navigate to={homePathFor(user.role)} replace />;
}

function NotFound() {
  const { token } = useSession();
  useEffect(() => {
    document.title = "Page not found – Commissioning Hub";
  }, []);
  if (!token) return <HomeView />;
  return (
    <SessionGate>
      <Layout>
        <h1>Page not found</h1>
        <p>
          If you typed the address, check it is correct. <Link to="/">Go to your start page</Link>.
        </p>
      </Layout>
    </SessionGate>
  );
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      {PAGES.map((spec) => (
        <Route key={spec.path} path={spec.path} element={<Page spec={spec} />} />
      ))}
      {/* Public: no sign-in (offices that publish; the data comes from /open/<office>/transparency.json). */}
      <Route path="/open/:office" element={<Suspense fallback={<Loading />}><Transparency /></Suspense>} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

/** The dashboard: one urql client per session token (with its live WebSocket), the router and the session. */
export function App() {
  const [token] = useSessionToken();
  const client = dashboardClient(token, endSession);
  return (
    <BrowserRouter>
      <Provider value={client}>
        <SessionProvider>
          <AppRoutes />
        </SessionProvider>
      </Provider>
    </BrowserRouter>
  );
}

export default App;
