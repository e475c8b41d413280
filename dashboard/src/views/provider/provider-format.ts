import type { CombinedError } from "urql";

const TIME = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });

export function formatTime(date: Date): string {
  return TIME.format(date);
}

/** Today as the server judges lateness: the UTC calendar day. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

// The one reader of BAD_USER_INPUT's problems, shared with every office form.
export { fieldProblems as problemsOf, type FieldProblem as Problem } from "../../components/mutation-outcome";

/** True when the request never got a GraphQL answer: the same attempt may be retried. */
export function isNetworkFailure(error: CombinedError | undefined): boolean {
  return Boolean(error?.networkError) && !error?.graphQLErrors.length;
}
