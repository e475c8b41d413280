// Monaco's worker factory must exist before GraphiQL mounts its first editor.
import "./monaco-workers";
import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { StrictMode, useCallback, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "urql";
import { bearer, createClient, graphqlHttpUrl, graphqlWsUrl } from "./client";
import { CurrentUser } from "./components/current-user";
import { SignInForm } from "./components/sign-in-form";
import { graphiqlExamples } from "./graphiql-examples";
import "./graphiql-page.css";
import { useSessionToken, type SessionUser } from "./session";

/**
 * GraphiQL sends the session token itself, and whatever the Headers tab holds wins over it.
 * Both paths use the key `authorization` so a request never carries two differently-cased
 * copies (fetch would join them into one "Bearer a, Bearer b" header, and graphql-ws
 * would put both keys in connectionParams).
 */
function createFetcher(token: string | null): Fetcher {
  const session = token ? { authorization: bearer(token) } : undefined;
  const fetcher = createGraphiQLFetcher({
    url: graphqlHttpUrl(),
    subscriptionUrl: graphqlWsUrl(),
    headers: session,
    wsConnectionParams: session,
    // The API has no @defer/@stream, so plain JSON responses are all there is.
    enableIncrementalDelivery: false,
  });
  return (params, options) => fetcher(params, options && { ...options, headers: normaliseAuthorization(options.headers) });
}

function normaliseAuthorization(headers: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!headers) return headers;
  const normalised: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    normalised[name.toLowerCase() === "authorization" ? "authorization" : name] = value;
  }
  return normalised;
}

function headersEditorText(token: string | null): string | undefined {
  return token ? JSON.stringify({ Authorization: bearer(token) }, null, 2) : undefined;
}

function ExplorerBar({ token, onTokenChange }: { token: string | null; onTokenChange(token: string | null): void }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const signedIn = useCallback(
    (nextToken: string, nextUser: SessionUser) => {
      setUser(nextUser);
      onTokenChange(nextToken);
    },
    [onTokenChange],
  );
  const signOut = useCallback(() => {
    setUser(null);
    onTokenChange(null);
  }, [onTokenChange]);

  return (
    <header className="explorer-bar">
      <nav aria-label="Commissioning Hub" className="explorer-bar__nav">
        <a href="/" className="explorer-bar__home">
          <span aria-hidden="true">←</span> Commissioning Hub dashboard
        </a>
        <h1 className="explorer-bar__title">GraphQL explorer</h1>
      </nav>
      <div className="explorer-bar__session">
        {token ? (
          <CurrentUser knownUser={user} onSignOut={signOut} onSessionEnded={signOut} />
        ) : (
          <SignInForm onSignedIn={signedIn} layout="compact" heading={null} />
        )}
      </div>
    </header>
  );
}

function GraphiQLPage() {
  const [token, setToken] = useSessionToken();
  const client = useMemo(() => createClient({ token }), [token]);
  const fetcher = useMemo(() => createFetcher(token), [token]);
  const headers = headersEditorText(token);
  const defaultTabs = useMemo(
    () =>
      graphiqlExamples.map((example) => ({
        query: example.query,
        variables: example.variables ? JSON.stringify(example.variables, null, 2) : null,
        headers: headers ?? null,
      })),
    [headers],
  );

  return (
    <>
      <Provider value={client}>
        <ExplorerBar token={token} onTokenChange={setToken} />
      </Provider>
      <main className="explorer-main" aria-label="GraphiQL">
        {/*
          GraphiQL reads defaultHeaders only when it mounts, so a new token remounts it; tabs
          come back from its own storage and, since headers are not persisted, show the new
          Authorization header.
        */}
        <GraphiQL
          key={token ?? "signed-out"}
          fetcher={fetcher}
          defaultTabs={defaultTabs}
          defaultHeaders={headers}
          defaultEditorToolsVisibility={token ? "headers" : undefined}
          shouldPersistHeaders={false}
          showPersistHeadersSettings={false}
        />
      </main>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <GraphiQLPage />
  </StrictMode>,
);
