import { useEffect, useRef } from "react";
import { SignInForm } from "../components/sign-in-form";
import { signIn, useSessionNotice, type SessionUser } from "../session";

export interface HomeViewProps {
  /** Called after a successful sign-in (the app then routes to the role's home, or stays on a deep link). */
  onSignedIn?(user: SessionUser): void;
}

/** The signed-out page: what the product is, and the sign-in form. */
export function HomeView({ onSignedIn }: HomeViewProps) {
  const notice = useSessionNotice();
  const headingRef = useRef<HTMLHeadingElement>(null);

  // After signing out or losing the session, the button that had focus is gone: start again at the heading.
  useEffect(() => {
    if (notice) headingRef.current?.focus();
  }, [notice]);

  useEffect(() => {
    document.title = "Sign in – Commissioning Hub";
  }, []);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__bar">
          <div className="wide-container site-header__inner">
            <div className="site-header__brand">
              <span className="site-header__product">Commissioning Hub</span>
              <span className="site-header__org">Office of the Police and Crime Commissioner</span>
            </div>
          </div>
        </div>
      </header>
      <main id="main" className="wide-container page page--sign-in" tabIndex={-1}>
        <div className="sign-in-page">
          <div className="sign-in-page__intro">
            <h1>Commissioning Hub</h1>
            <p className="lede">
              The services your office commissions, their quarterly returns and portfolio scorecards, live in one place.
            </p>
            <ul className="sign-in-page__points">
              <li>Commissioners and officers review every portfolio's scorecard as returns arrive.</li>
              <li>Providers submit and correct their quarterly returns.</li>
              <li>Panel analysts read published and frozen figures.</li>
            </ul>
          </div>
          <section className="panel sign-in-page__panel" aria-labelledby="sign-in-heading">
            <h2 id="sign-in-heading" ref={headingRef} tabIndex={-1}>
              Sign in
            </h2>
            {notice && (
              <p className="notice" role="status">
                {notice}
              </p>
            )}
            <SignInForm
              heading={null}
              onSignedIn={(token, user) => {
                signIn(token, user);
                onSignedIn?.(user);
              }}
            />
          </section>
        </div>
      </main>
      <footer className="site-footer">
        <div className="wide-container">
          <p>
            Commissioning Hub · <a href="/graphiql/">GraphQL explorer</a>
          </p>
        </div>
      </footer>
    </>
  );
}
