import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { useNavigate } from "react-router";
import { useQuery, type CombinedError } from "urql";
import { graphql } from "./gql";
import type { SessionMeQuery } from "./gql/graphql";

/** Shared by the dashboard and GraphiQL: signing in on either authenticates both. */
export const TOKEN_KEY = "ch.token";

export type Role = "ADMIN" | "ANALYST" | "COMMISSIONER" | "OFFICER" | "PROVIDER";

/** Who is signed in: the same fields from `me` and from `login`. */
export const SessionMeQueryDocument = graphql(`
  query SessionMe {
    me {
      id
      name
      email
      role
      office {
        id
        name
      }
      provider {
        id
        name
      }
    }
  }
`);

export type SessionUser = NonNullable<SessionMeQuery["me"]>;

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: "Administrator",
  ANALYST: "Panel analyst",
  COMMISSIONER: "Commissioner",
  OFFICER: "Commissioning officer",
  PROVIDER: "Provider",
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role] ?? role;
}

/** Where each role starts after signing in. */
export function homePathFor(role: Role | string): string {
  switch (role) {
    case "PROVIDER":
      return "/provider";
    case "ANALYST":
      return "/explorer";
    default:
      return "/board";
  }
}

export const SESSION_ENDED_NOTICE = "Your session has ended. Sign in again.";
export const SIGNED_OUT_NOTICE = "You have signed out.";

// ---------------------------------------------------------------------------------------------------------------
// The token store. Same-tab writes do not fire "storage" events, so changes made here are announced too.

const listeners = new Set<() => void>();
let memoryToken: string | null = null;
/** The user returned by `login`, so a fresh sign-in needs no `me` round trip. Keyed by its token. */
let knownUser: { token: string; user: SessionUser } | null = null;
/** Shown on the sign-in page after signing out or when the API stops accepting the token. */
let notice: string | null = null;

function readToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled (privacy modes); the session then lives only in memory.
    return memoryToken;
  }
}

function writeToken(token: string | null): void {
  memoryToken = token;
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // See readToken.
  }
  announce();
}

function announce(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === TOKEN_KEY || event.key === null) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** The stored session token, kept in sync across components and browser tabs. */
export function useSessionToken(): [token: string | null, setToken: (token: string | null) => void] {
  const token = useSyncExternalStore(subscribe, readToken, () => null);
  const setToken = useCallback((next: string | null) => writeToken(next), []);
  return [token, setToken];
}

/** Starts a session with what `login` returned. */
export function signIn(token: string, user: SessionUser): void {
  knownUser = { token, user };
  notice = null;
  writeToken(token);
}

/** Ends the session at the user's request. */
export function signOut(): void {
  knownUser = null;
  notice = SIGNED_OUT_NOTICE;
  writeToken(null);
}

/** Ends the session because the API no longer accepts the token (expired, revoked, account deactivated). */
export function endSession(): void {
  if (readToken() === null) return;
  knownUser = null;
  notice = SESSION_ENDED_NOTICE;
  writeToken(null);
}

function readNotice(): string | null {
  return notice;
}

/** "You have signed out." or "Your session has ended…", for the sign-in page; null otherwise. */
export function useSessionNotice(): string | null {
  return useSyncExternalStore(subscribe, readNotice, () => null);
}

// ---------------------------------------------------------------------------------------------------------------
// The session as views see it.

export interface Session {
  user: SessionUser | null;
  token: string | null;
  signOut(): void;
}

interface SessionState extends Session {
  /** True while a stored token is being checked with `me`. */
  checking: boolean;
  /** Why the check failed when it did not get an answer (server unreachable). */
  checkError: CombinedError | undefined;
}

const SessionContext = createContext<SessionState>({ user: null, token: null, signOut, checking: false, checkError: undefined });

/** Resolves the stored token to a user (inside urql's Provider and the router) and shares it with every view. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [token] = useSessionToken();
  const navigate = useNavigate();
  const signOutHere = useCallback(() => {
    signOut();
    navigate("/");
  }, [navigate]);
  const fromLogin = token && knownUser?.token === token ? knownUser.user : null;
  const [{ data, fetching, error }] = useQuery({ query: SessionMeQueryDocument, pause: !token || fromLogin !== null });
  const user = token ? (fromLogin ?? data?.me ?? null) : null;
  const ended = Boolean(token) && !fromLogin && !fetching && data !== undefined && data.me === null;

  useEffect(() => {
    if (ended) endSession();
  }, [ended]);

  const value = useMemo<SessionState>(
    () => ({
      user,
      token,
      signOut: signOutHere,
      checking: Boolean(token) && !user && (fetching || (!data && !error)),
      checkError: token && !user ? error : undefined,
    }),
    [user, token, signOutHere, fetching, data, error],
  );
  return createElement(SessionContext.Provider, { value }, children);
}

/** The signed-in user and token (both null when signed out), and a way to sign out. */
export function useSession(): Session {
  return useContext(SessionContext);
}

/** For the shell: whether a stored token is still being checked, and the error if the check failed. */
export function useSessionCheck(): { checking: boolean; error: CombinedError | undefined } {
  const { checking, checkError } = useContext(SessionContext);
  return { checking, error: checkError };
}
