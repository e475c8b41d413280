import { registerDecorator, type ValidationOptions } from "class-validator";
import { isFinancialYear, isQuarterLabel } from "../modules/periods/financial-year.js";

function rule(name: string, test: (value: unknown) => boolean, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target, propertyName) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: String(propertyName),
        options: { message, ...options },
        validator: { validate: (value: unknown) => test(value) },
      });
}

/** "2023-24": a financial year running 1 April to 31 March. */
export const IsFinancialYear = rule("isFinancialYear", isFinancialYear, '$property must be a financial year such as "2023-24"');
/** "2023-24 Q2". */
export const IsQuarterLabel = rule("isQuarterLabel", isQuarterLabel, '$property must be a quarter such as "2023-24 Q2"');
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** An ISO calendar date, "2023-04-01". */
export const IsIsoDate = rule("isIsoDate", isIsoDate, "$property must be a date such as 2023-04-01");

/**
 * The characters of free text a reader can see: `trim()` keeps format characters (\p{Cf}: zero-width spaces and
 * joiners, word joiners, byte-order marks, bidi controls), so a body of only those would pass for written and show
 * as nothing. Blankness checks count these; what is stored stays as written (joiners inside words matter).
 */
export function visibleLength(value: string): number {
  return value.replace(/[\s\p{Cf}]/gu, "").length;
}
