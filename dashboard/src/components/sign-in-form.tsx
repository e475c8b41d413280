import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { describeError } from "../errors";
import { graphql } from "../gql";
import type { SessionUser } from "../session";

/** Asks for the same user fields as the session's `me` query, so the dashboard needs no second round trip. */
const LoginMutation = graphql(`
  mutation SessionLogin($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
      user {
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
  }
`);

const SIGN_IN_MESSAGES = {
  UNAUTHENTICATED: "Email or password not recognised.",
  BAD_USER_INPUT: "Enter your email address and password.",
  TOO_MANY_REQUESTS: "Too many sign-in attempts. Wait a minute and try again.",
};

export interface SignInFormProps {
  onSignedIn(token: string, user: SessionUser): void;
  /** "compact" lays the fields out in one row for the GraphiQL bar. */
  layout?: "stacked" | "compact";
  /** Heading shown above the fields, or null for none. */
  heading?: string | null;
}

export function SignInForm({ onSignedIn, layout = "stacked", heading = "Sign in" }: SignInFormProps) {
  const id = useId();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [{ fetching }, login] = useMutation(LoginMutation);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (fetching) return;
    setError(null);
    const result = await login({ email: email.trim(), password });
    if (result.data?.login) {
      setPassword("");
      onSignedIn(result.data.login.token, result.data.login.user);
      return;
    }
    setError(result.error ? describeError(result.error, SIGN_IN_MESSAGES) : "Sign-in failed. Try again.");
  }

  const headingId = `${id}-heading`;
  const errorId = `${id}-error`;
  const describedBy = error ? errorId : undefined;

  return (
    <form
      className={`sign-in sign-in--${layout}`}
      onSubmit={handleSubmit}
      aria-labelledby={heading ? headingId : undefined}
      aria-label={heading ? undefined : "Sign in"}
    >
      {heading && (
        <h2 id={headingId} className="sign-in__heading">
          {heading}
        </h2>
      )}
      <div className="field">
        <label htmlFor={`${id}-email`}>Email address</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          autoComplete="username"
          spellCheck={false}
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
      </div>
      {/* aria-disabled rather than disabled: a disabled button would drop keyboard focus. */}
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {fetching ? "Signing in…" : "Sign in"}
      </button>
      {/* Always rendered so screen readers announce the message when it appears. */}
      <p id={errorId} className="sign-in__error" role="alert">
        {error}
      </p>
    </form>
  );
}
