import type { CombinedError } from "urql";
import { describeError, errorCode, type ErrorMessages } from "../errors";

/** One refusal of one input field, as the server's BAD_USER_INPUT `extensions.problems` carries it. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/**
 * What a form shows after a refused write: messages by field path ("fundingLines.1.amountPence"), a general
 * message for what belongs to no field, and `stale` when someone else saved first (CONFLICT), so the form offers a reload.
 */
export interface FormOutcome {
  fields: Record<string, string>;
  problems: FieldProblem[];
  general: string | null;
  stale: boolean;
}

export const NO_OUTCOME: FormOutcome = { fields: {}, problems: [], general: null, stale: false };

/** The problems in a result's errors; empty for anything but BAD_USER_INPUT with problems. */
export function fieldProblemsOf(error: CombinedError | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const graphQLError of error?.graphQLErrors ?? []) {
    const list = graphQLError.extensions?.problems;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (item && typeof item === "object" && typeof item.field === "string") {
        problems.push({ field: item.field, rule: typeof item.rule === "string" ? item.rule : "", message: typeof item.message === "string" ? item.message : "" });
      }
    }
  }
  return problems;
}

/**
 * Sorts a refused write into the form's places. `known` lists the field paths the form shows beside an input;
 * a problem for any other field joins the general message, so nothing the server said is lost.
 */
export function outcomeOf(error: CombinedError, known: (field: string) => boolean, messages: ErrorMessages = {}): FormOutcome {
  const code = errorCode(error);
  if (code === "CONFLICT") {
    return { fields: {}, problems: [], general: messages.CONFLICT ?? "Someone else changed this since you opened it. Reload to see their changes, then make yours again.", stale: true };
  }
  const problems = fieldProblemsOf(error);
  if (code === "BAD_USER_INPUT" && problems.length) {
    const fields: Record<string, string> = {};
    const loose: string[] = [];
    for (const p of problems) {
      if (known(p.field)) fields[p.field] = fields[p.field] ? `${fields[p.field]} ${p.message}` : p.message;
      else loose.push(p.message);
    }
    const first = error.graphQLErrors[0]?.message;
    return { fields, problems, general: loose.length ? loose.join(" ") : (first ?? null), stale: false };
  }
  return { fields: {}, problems, general: describeError(error, messages), stale: false };
}
