import type { CombinedError } from "urql";

/** Messages keyed by the server's `extensions.code`; never by error message text. */
export type ErrorMessages = Partial<Record<string, string>>;

const GENERAL_MESSAGES: ErrorMessages = {
  UNAUTHENTICATED: "Your session has ended. Sign in again.",
  FORBIDDEN: "Your role does not allow this.",
  BAD_USER_INPUT: "Some of the details entered are not valid.",
  TOO_MANY_REQUESTS: "Too many attempts. Wait a minute and try again.",
  INTERNAL_SERVER_ERROR: "Something went wrong on the server. Try again.",
};

/** The first `extensions.code` in a result's errors, if any. */
export function errorCode(error: CombinedError | undefined): string | undefined {
  for (const graphQLError of error?.graphQLErrors ?? []) {
    const code = graphQLError.extensions?.code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** A message for people, chosen from the error code, HTTP status or network failure. */
export function describeError(error: CombinedError, messages: ErrorMessages = {}): string {
  const code = errorCode(error);
  if (code) {
    return messages[code] ?? GENERAL_MESSAGES[code] ?? `Something went wrong (${code}).`;
  }
  // The rate limiter answers before GraphQL does, so there is no code to read.
  const status: unknown = (error.response as { status?: unknown } | undefined)?.status;
  if (status === 429) return messages.TOO_MANY_REQUESTS ?? GENERAL_MESSAGES.TOO_MANY_REQUESTS!;
  if (error.networkError) return "The Commissioning Hub server could not be reached. Check your connection and try again.";
  return "Something went wrong. Try again.";
}
