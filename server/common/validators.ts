import { IsDefined, registerDecorator, ValidateIf, type ValidationOptions } from "class-validator";
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
/**
 * The dates a record may hold. PostgreSQL has no year 0 and SQLite would keep any text, so an unbounded date
 * reached PostgreSQL's date type and failed there (red17); a date a year past the last (an "ends within 12 months"
 * check) must fit too. Far wider than any contract, decision or quarter of the product.
 */
export const DATE_RANGE = { from: "1900-01-01", to: "2199-12-31" } as const;

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value) && value >= DATE_RANGE.from && value <= DATE_RANGE.to;
}

/** An ISO calendar date, "2023-04-01", from DATE_RANGE.from to DATE_RANGE.to. */
export const IsIsoDate = rule("isIsoDate", isIsoDate, `$property must be a date such as 2023-04-01, from ${DATE_RANGE.from} to ${DATE_RANGE.to}`);

/**
 * The characters of free text a reader can see: `trim()` keeps format characters (\p{Cf}: zero-width spaces and
 * joiners, word joiners, byte-order marks, bidi controls), so a body of only those would pass for written and show
 * as nothing. Blankness checks count these; what is stored stays as written (joiners inside words matter).
 */
export function visibleLength(value: string): number {
  return value.replace(/[\s\p{Cf}]/gu, "").length;
}

/**
 * The largest sum of money a record holds: every pence column is a 32-bit integer on PostgreSQL (SQLite would take
 * more, so both stores are held to the smaller), £21,474,836.47. Totals are added up in the reader, not stored.
 */
export const PENCE_MAX = 2_147_483_647;

/** A whole number of pence from `min` (0 unless given) to PENCE_MAX. */
export function IsPence(min = 0, options?: ValidationOptions): PropertyDecorator {
  return rule(
    "isPence",
    (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= PENCE_MAX,
    `$property must be a whole number of pence from ${min} to ${PENCE_MAX} (£${(PENCE_MAX / 100).toLocaleString("en-GB", { minimumFractionDigits: 2 })})`,
  )(options);
}

/**
 * For an optional field that has no "none": leave it out to keep what is there (or take the default), but an
 * explicit null is refused — the column cannot hold one. class-validator's IsOptional would let the null through
 * to the store, and the store's NOT NULL constraint would answer with an internal error.
 */
export function OmitOrGive(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    ValidateIf((o: Record<string | symbol, unknown>) => o[propertyName] !== undefined, options)(target, propertyName);
    IsDefined({ message: "$property cannot be null: leave it out to keep it as it is", ...options })(target, propertyName);
  };
}
