import { useEffect } from "react";
import { useQuery } from "urql";
import { describeError, errorCode } from "../errors";
import { roleLabel, SessionMeQueryDocument, type SessionUser } from "../session";

export interface CurrentUserProps {
  /** The user returned by `login` or already known, so no extra round trip is needed. */
  knownUser: SessionUser | null;
  onSignOut(): void;
  /** Called when the stored token no longer identifies anyone (expired or revoked). */
  onSessionEnded(): void;
  headingLevel?: "h2" | "p";
  /** Name and role on two short lines, for the page header. */
  compact?: boolean;
}

/** "Signed in as NAME (ROLE)" with a sign-out button; checks a stored token with `me` when the user is not known. */
export function CurrentUser({ knownUser, onSignOut, onSessionEnded, headingLevel = "p", compact = false }: CurrentUserProps) {
  const [{ data, fetching, error }] = useQuery({ query: SessionMeQueryDocument, pause: knownUser !== null });
  const user = knownUser ?? data?.me ?? null;
  const ended = !knownUser && !fetching && ((data && data.me === null) || errorCode(error) === "UNAUTHENTICATED");

  useEffect(() => {
    if (ended) onSessionEnded();
  }, [ended, onSessionEnded]);

  const Status = headingLevel;
  const className = compact ? "current-user current-user--compact" : "current-user";
  if (!user) {
    return (
      <div className={className} aria-live="polite" aria-busy={fetching}>
        {fetching || ended ? (
          <Status className="current-user__status">Checking your session…</Status>
        ) : (
          <>
            <Status className="current-user__status">{error ? describeError(error) : "Signed in."}</Status>
            <button type="button" className="button button--secondary" onClick={onSignOut}>
              Sign out
            </button>
          </>
        )}
      </div>
    );
  }

  return (
    <div className={className}>
      {compact ? (
        <Status className="current-user__status" data-role={user.role}>
          <span className="visually-hidden">Signed in as </span>
          <span className="current-user__name">{user.name}</span>
          <span className="current-user__role">{roleLabel(user.role)}</span>
        </Status>
      ) : (
        <Status className="current-user__status" data-role={user.role}>
          Signed in as <strong>{user.name}</strong> ({roleLabel(user.role)})
        </Status>
      )}
      <button type="button" className="button button--secondary" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}
