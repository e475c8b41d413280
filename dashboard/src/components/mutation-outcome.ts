import type { CombinedError } from "urql";
import { describeError, errorCode, type ErrorMessages } from "../errors";

/** One refusal of one input field, as BAD_USER_INPUT's `extensions.problems` carries it (server/errors.ts): `field` is a path ("fundingLines.1.amountPence"). */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
  /** CSV uploads also say which row and column. */
  row?: number | null;
  column?: string | null;
}

/**
 * What a form shows after a refused write: messages by field, what is left for the form as a whole, every problem
 * as sent (for rules the form acts on, such as overCommitted), and `stale` when someone else saved first (CONFLICT),
 * so the form offers a reload rather than an error.
 */
export interface MutationOutcome {
  /** Messages by the field the form shows them beside: the problem's whole path when the form knows it, else its top-level name. */
  fields: Record<string, string>;
  problems: FieldProblem[];
  /** Said for the form as a whole: problems that name no field of it, or the error in words. */
  general: string | null;
  stale: boolean;
}

export const NO_OUTCOME: MutationOutcome = { fields: {}, problems: [], general: null, stale: false };

/** The problems of every BAD_USER_INPUT error in a result; empty for anything else. */
export function fieldProblems(error: CombinedError | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const graphQLError of error?.graphQLErrors ?? []) {
    const list = graphQLError.extensions?.problems;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (item && typeof item === "object" && typeof item.field === "string") {
        problems.push({
          field: item.field,
          rule: typeof item.rule === "string" ? item.rule : "",
          message: typeof item.message === "string" ? item.message : "",
          ...(typeof item.row === "number" ? { row: item.row } : {}),
          ...(typeof item.column === "string" ? { column: item.column } : {}),
        });
      }
    }
  }
  return problems;
}

/**
 * Sorts a refused write into the form's places. `known` names the fields the form shows beside an input (a list, or a
 * test for paths such as "fundingLines.1.amountPence"); a problem for any other field joins the general message, so
 * nothing the server said is lost. Branches on `extensions.code` only: the server's messages are shown, never parsed.
 * A CONFLICT is stale with no message unless `messages.CONFLICT` words it (where a clash is not a version clash).
 */
export function mutationOutcome(error: CombinedError | undefined, known: readonly string[] | ((field: string) => boolean), messages: ErrorMessages = {}): MutationOutcome {
  if (!error) return NO_OUTCOME;
  const knows = typeof known === "function" ? known : (field: string) => known.includes(field);
  const code = errorCode(error);
  if (code === "CONFLICT") return { fields: {}, problems: [], general: messages.CONFLICT ?? null, stale: true };
  const problems = fieldProblems(error);
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const problem of problems) {
    const top = problem.field.split(".")[0]!;
    const place = knows(problem.field) ? problem.field : knows(top) ? top : null;
    if (place === null) rest.push(problem.message);
    else fields[place] = fields[place] ? `${fields[place]} ${problem.message}` : problem.message;
  }
  const anyField = Object.keys(fields).length > 0;
  const general = rest.length ? rest.join(" ") : anyField ? null : describeError(error, messages);
  return { fields, problems, general, stale: false };
}
