import type { CombinedError } from "urql";
import { describeError, errorCode, type ErrorMessages } from "../errors";

/** One problem the API named (server/errors.ts FieldProblem): `field` is a path inside the input ("evidenceReturnIds.2"). */
export interface ApiProblem {
  field: string;
  rule: string;
  message: string;
}

/** What a refused mutation means for a form: messages by field, what is left for the form as a whole, and whether the record moved under us. */
export interface MutationOutcome {
  /** First message for each field, keyed by the input's top-level field name ("evidenceReturnIds.2" → "evidenceReturnIds"). */
  fields: Record<string, string>;
  /** Said above the buttons: problems that name no field of the form, or the error in words. */
  general: string | null;
  /** CONFLICT: someone changed the record since it was loaded. Forms show a reload notice, not an error. */
  stale: boolean;
}

export const NO_PROBLEMS: MutationOutcome = { fields: {}, general: null, stale: false };

/** The `problems` of every BAD_USER_INPUT error in the result. */
export function apiProblems(error: CombinedError | undefined): ApiProblem[] {
  return (error?.graphQLErrors ?? []).flatMap((e) => {
    const list = e.extensions?.problems;
    return Array.isArray(list) ? (list as ApiProblem[]).filter((p) => typeof p?.field === "string" && typeof p?.message === "string") : [];
  });
}

/**
 * Sorts a refusal into the form's fields (those named in `known`), the form as a whole, or a version clash.
 * Branches on `extensions.code` only; the server's messages are shown, never parsed.
 */
export function mutationOutcome(error: CombinedError | undefined, known: readonly string[], messages: ErrorMessages = {}): MutationOutcome {
  if (!error) return NO_PROBLEMS;
  const code = errorCode(error);
  if (code === "CONFLICT") return { fields: {}, general: null, stale: true };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const problem of apiProblems(error)) {
    const top = problem.field.split(".")[0]!;
    if (known.includes(top)) fields[top] ??= problem.message;
    else if (known.includes(problem.field)) fields[problem.field] ??= problem.message;
    else rest.push(problem.message);
  }
  const anyField = Object.keys(fields).length > 0;
  const general = rest.length ? rest.join(" ") : anyField ? null : describeError(error, messages);
  return { fields, general, stale: false };
}
