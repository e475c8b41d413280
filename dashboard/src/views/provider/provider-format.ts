import type { CombinedError } from "urql";

const TIME = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });

export function formatTime(date: Date): string {
  return TIME.format(date);
}

/** Today as the server judges lateness: the UTC calendar day. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A problem the server reported against one input field (BAD_USER_INPUT's `extensions.problems`). */
export interface Problem {
  field: string;
  rule: string;
  message: string;
  /** CSV uploads also say which row and column. */
  row?: number | null;
  column?: string | null;
}

export function problemsOf(error: CombinedError | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const graphQLError of error?.graphQLErrors ?? []) {
    const list = graphQLError.extensions?.problems;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (item && typeof item === "object" && typeof item.field === "string") {
        problems.push({
          field: item.field,
          rule: typeof item.rule === "string" ? item.rule : "",
          message: typeof item.message === "string" ? item.message : "",
          row: typeof item.row === "number" ? item.row : null,
          column: typeof item.column === "string" ? item.column : null,
        });
      }
    }
  }
  return problems;
}

/** True when the request never got a GraphQL answer: the same attempt may be retried. */
export function isNetworkFailure(error: CombinedError | undefined): boolean {
  return Boolean(error?.networkError) && !error?.graphQLErrors.length;
}
