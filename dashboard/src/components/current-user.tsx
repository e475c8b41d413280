import { useEffect } from "react";
import { useQuery } from "urql";
import { describeError, errorCode } from "../errors";
import { graphql } from "../graphql";
import { roleLabel, type SessionUser } from "../session";

const MeQuery = graphql`
  query Me {
    me {
      id
      name
      email
      role
    }
  }
`;

interface MeResult {
  me: SessionUser | null;
}

export interface CurrentUserProps {
  /** The user returned by `login`, so a fresh sign-in needs no extra round trip. */
  knownUser: SessionUser | null;
  onSignOut(): void;
  /** Called when the stored token no longer identifies anyone (expired or revoked). */
  onSessionEnded(): void;
  headingLevel?: "h2" | "p";
}

/** "Signed in as NAME (ROLE)" with a sign-out button; checks a stored token with `me`. */
export function CurrentUser({ knownUser, onSignOut, onSessionEnded, headingLevel = "p" }: CurrentUserProps) {
  const [{ data, fetching, error }] = useQuery<MeResult>({ query: MeQuery, pause: knownUser !== null });
  const user = knownUser ?? data?.me ?? null;
  const ended = !knownUser && !fetching && ((data && data.me === null) || errorCode(error) === "UNAUTHENTICATED");

  useEffect(() => {
    if (ended) onSessionEnded();
  }, [ended, onSessionEnded]);

  const Status = headingLevel;
  if (!user) {
    return (
      <div className="current-user" aria-live="polite" aria-busy={fetching}>
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
    <div className="current-user" aria-live="polite">
      <Status className="current-user__status" data-role={user.role}>
        Signed in as <strong>{user.name}</strong> ({roleLabel(user.role)})
      </Status>
      <button type="button" className="button button--secondary" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}
