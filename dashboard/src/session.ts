import { useCallback, useSyncExternalStore } from "react";

/** Shared by the dashboard and GraphiQL: signing in on either authenticates both. */
export const TOKEN_KEY = "ch.token";

export type Role = "ADMIN" | "ANALYST" | "COMMISSIONER" | "OFFICER" | "PROVIDER";

/** What the pages show about the signed-in user (to be replaced by codegen's types). */
export interface SessionUser {
  id: number;
  name: string;
  email: string;
  role: Role;
}

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

// Same-tab writes do not fire "storage" events, so changes made here are announced too.
const listeners = new Set<() => void>();

function readToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled (privacy modes); the session then lives only in memory.
    return memoryToken;
  }
}

let memoryToken: string | null = null;

function writeToken(token: string | null): void {
  memoryToken = token;
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // See readToken.
  }
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
