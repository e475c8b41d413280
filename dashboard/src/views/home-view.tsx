import { useCallback, useEffect, useRef, useState } from "react";
import { CurrentUser } from "../components/current-user";
import { SignInForm } from "../components/sign-in-form";
import type { SessionUser } from "../session";

export interface HomeViewProps {
  token: string | null;
  onTokenChange(token: string | null): void;
}

/** Placeholder landing page until the portfolio dashboard arrives. */
export function HomeView({ token, onTokenChange }: HomeViewProps) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sessionHeadingRef = useRef<HTMLHeadingElement>(null);
  const moveFocus = useRef(false);

  const signedIn = useCallback(
    (nextToken: string, nextUser: SessionUser) => {
      setUser(nextUser);
      setNotice(null);
      moveFocus.current = true;
      onTokenChange(nextToken);
    },
    [onTokenChange],
  );

  const signOut = useCallback(() => {
    setUser(null);
    setNotice("You have signed out.");
    moveFocus.current = true;
    onTokenChange(null);
  }, [onTokenChange]);

  const sessionEnded = useCallback(() => {
    setUser(null);
    setNotice("Your session has ended. Sign in again.");
    onTokenChange(null);
  }, [onTokenChange]);

  // After signing in or out the form or button that had focus disappears;
  // put focus on the section heading so keyboard and screen-reader users keep their place.
  useEffect(() => {
    if (moveFocus.current) {
      moveFocus.current = false;
      sessionHeadingRef.current?.focus();
    }
  }, [token]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="masthead">
        <div className="container masthead__inner">
          <p className="masthead__org">Office of the Police and Crime Commissioner</p>
          <nav aria-label="Tools">
            <a className="masthead__link" href="/graphiql/">
              GraphiQL
            </a>
          </nav>
        </div>
      </header>
      <main id="main" className="container" tabIndex={-1}>
        <h1>Commissioning Hub</h1>
        <p className="lede">
          Follow the services your office commissions, their quarterly returns and portfolio scorecards, live in one
          place.
        </p>

        <section className="panel" aria-labelledby="session-heading">
          <h2 id="session-heading" ref={sessionHeadingRef} tabIndex={-1}>
            {token ? "Your session" : "Sign in to continue"}
          </h2>
          {notice && !token && (
            <p className="notice" role="status">
              {notice}
            </p>
          )}
          {token ? (
            <CurrentUser knownUser={user} onSignOut={signOut} onSessionEnded={sessionEnded} />
          ) : (
            <SignInForm onSignedIn={signedIn} heading={null} />
          )}
        </section>

        <section className="panel" aria-labelledby="tools-heading">
          <h2 id="tools-heading">Tools</h2>
          <ul className="link-list">
            <li>
              <a href="/graphiql/">GraphiQL</a>: explore and try the Commissioning Hub GraphQL API in your browser,
              using the session you start here.
            </li>
          </ul>
        </section>
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>Commissioning Hub · GraphQL API at <code>/graphql</code></p>
        </div>
      </footer>
    </>
  );
}
