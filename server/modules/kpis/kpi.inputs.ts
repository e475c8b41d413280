import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsPositive, Length, Matches, Max, Min } from "class-validator";
import { Field, Float, InputType, Int } from "type-graphql";
import { IsFinancialYear } from "../../common/validators.js";
import { Direction, MeasureUnit } from "./kpi.entities.js";

/** Codes name measures and indicators in imports and returns, so they stay plain identifiers. */
const CODE = /^[A-Za-z0-9_]{2,60}$/;
const CODE_MESSAGE = "$property must be 2 to 60 letters, digits or underscores";

@InputType()
export class CreateMeasureInput {
  @Field(() => Int, { nullable: true, description: "Defaults to your office; administrators must name one." })
  @IsOptional()
  officeId?: number | null;

  @Field(() => String, { description: "Unique in the office, e.g. referrals_received." })
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => String)
  @Length(2, 200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 2000)
  description?: string | null;

  @Field(() => MeasureUnit)
  unit!: MeasureUnit;

  @Field(() => Float, { nullable: true, description: "Smallest acceptable value; for PERCENT, 0 to 100." })
  @IsOptional()
  minValue?: number | null;

  @Field(() => Float, { nullable: true, description: "Largest acceptable value; not below minValue; for PERCENT, 0 to 100." })
  @IsOptional()
  maxValue?: number | null;
}

/** Fields left out are unchanged; null clears a bound or the description. A measure stays in its office. */
@InputType()
export class UpdateMeasureInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  code?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 200)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 2000)
  description?: string | null;

  @Field(() => MeasureUnit, { nullable: true })
  @IsOptional()
  unit?: MeasureUnit | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  minValue?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  maxValue?: number | null;
}

@InputType()
export class CreateIndicatorInput {
  @Field(() => Int, { nullable: true, description: "Defaults to your office; administrators must name one." })
  @IsOptional()
  officeId?: number | null;

  @Field(() => String, { description: "Unique in the office, e.g. pct_closed_improved." })
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  @Field(() => String)
  @Length(2, 200)
  name!: string;

  @Field(() => [Int], { description: "Measures summed for the numerator: at least one, all of the indicator's office." })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  numeratorMeasureIds!: number[];

  @Field(() => [Int], { nullable: true, description: "Measures summed for the denominator; none for a plain count." })
  @IsOptional()
  @ArrayMaxSize(20)
  denominatorMeasureIds?: number[] | null;

  @Field(() => Float, { nullable: true, description: "Greater than 0. Defaults to 100 for a PERCENT ratio, 1 otherwise." })
  @IsOptional()
  @IsPositive()
  factor?: number | null;

  @Field(() => MeasureUnit)
  unit!: MeasureUnit;

  @Field(() => Direction)
  direction!: Direction;

  @Field(() => Float, { nullable: true, description: "0 or more; defaults to 0 (no amber band)." })
  @IsOptional()
  @Min(0)
  amberTolerance?: number | null;
}

/** Fields left out are unchanged; a measure list given replaces that list. An indicator stays in its office. */
@InputType()
export class UpdateIndicatorInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CODE, { message: CODE_MESSAGE })
  code?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 200)
  name?: string | null;

  @Field(() => [Int], { nullable: true, description: "At least one when given." })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  numeratorMeasureIds?: number[] | null;

  @Field(() => [Int], { nullable: true, description: "An empty list makes the indicator a plain count." })
  @IsOptional()
  @ArrayMaxSize(20)
  denominatorMeasureIds?: number[] | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsPositive()
  factor?: number | null;

  @Field(() => MeasureUnit, { nullable: true })
  @IsOptional()
  unit?: MeasureUnit | null;

  @Field(() => Direction, { nullable: true })
  @IsOptional()
  direction?: Direction | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  amberTolerance?: number | null;
}

/** Which target: for one contract or one portfolio (exactly one of the two), for a year or one quarter of it. */
@InputType()
export class TargetKeyInput {
  @Field(() => Int)
  indicatorId!: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  contractId?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  portfolioId?: number | null;

  @Field(() => String)
  @IsFinancialYear()
  year!: string;

  @Field(() => Int, { nullable: true, description: "1 to 4; null for the whole year." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  quarter?: number | null;
}

/** A target for one contract or one portfolio (exactly one of the two), for a year or one quarter of it. */
@InputType()
export class SetTargetInput extends TargetKeyInput {
  @Field(() => Float, { description: "In the indicator's unit." })
  value!: number;

  @Field(() => Int, {
    nullable: true,
    description: "The version of the target you are changing (from the `target` query); omit it to create one. A stale version, or none when the target exists already, fails with CONFLICT and changes nothing.",
  })
  @IsOptional()
  @IsInt()
  version?: number | null;

  @Field(() => String, { nullable: true, description: "Why: required when the target reaches a frozen quarter, whose cells it restates." })
  @IsOptional()
  @Length(3, 1000)
  reason?: string | null;
}
