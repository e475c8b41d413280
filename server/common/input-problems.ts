import { validate, type ValidationError } from "class-validator";
import { badInput, type FieldProblem } from "../errors.js";

/** class-validator's nested errors as flat problems: `field` is the path inside the input, `rule` the constraint. */
export function toProblems(errors: ValidationError[], prefix = ""): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    return [
      ...Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field, rule, message })),
      ...toProblems(error.children ?? [], field),
    ];
  });
}

/**
 * A per-argument `validateFn`: the same class-validator rules type-graphql would run, but refused as
 * BAD_USER_INPUT with `problems` (the shape every service error uses), not type-graphql's `validationErrors`,
 * so forms show a bad likelihood beside the field the same way they show a bad portfolio.
 * Missing properties are skipped, as type-graphql's own validation does: GraphQL already enforces non-null.
 */
export async function validateInput(value: unknown): Promise<void> {
  if (value === null || typeof value !== "object") return;
  const errors = (await Promise.all((Array.isArray(value) ? value : [value]).filter((v) => v !== null && typeof v === "object").map((v) => validate(v as object, { skipMissingProperties: true, forbidUnknownValues: false })))).flat();
  if (errors.length) throw badInput("Some fields are not valid.", toProblems(errors));
}
