import { IsOptional } from "class-validator";
import { ArgsType, Field } from "type-graphql";
import { IsFinancialYear } from "./validators.js";

/** A financial year a read asks for: "2023-24" and nothing else (BAD_USER_INPUT, rule isFinancialYear). */
@ArgsType()
export class YearArgs {
  @Field(() => String, { description: 'Financial year, e.g. "2023-24".' })
  @IsFinancialYear()
  year!: string;
}

/**
 * An optional financial year: left out (or null), every year; given, it is "2023-24" or refused. A mistyped year
 * ("2024/25", "", "2023-24 ") is refused rather than answered with an empty list, or with every year (red18).
 */
@ArgsType()
export class OptionalYearArgs {
  @Field(() => String, { nullable: true, description: 'Only this financial year, e.g. "2023-24".' })
  @IsOptional()
  @IsFinancialYear()
  year?: string | null;
}
