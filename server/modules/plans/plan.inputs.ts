import { ArrayMaxSize, IsInt, IsOptional, Length, Max, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { IsFinancialYear } from "../../common/validators.js";
import { PlanKind } from "./plan.entities.js";

/**
 * A priority's place in its plan: far more than any plan has, and small enough that "after the last" (the last
 * plus one, when no position is given) can never pass the 32-bit column PostgreSQL keeps it in.
 */
export const MAX_PRIORITY_POSITION = 9999;

@InputType()
export class CreateStrategicPlanInput {
  @Field(() => Int, { nullable: true, description: "Defaults to your office; administrators must name one." })
  @IsOptional()
  officeId?: number | null;

  @Field(() => PlanKind)
  kind!: PlanKind;

  @Field(() => String)
  @Length(2, 200)
  title!: string;

  @Field(() => String, { description: 'First financial year covered, e.g. "2021-22".' })
  @IsFinancialYear()
  startYear!: string;

  @Field(() => String, { description: "Last financial year covered; not before startYear." })
  @IsFinancialYear()
  endYear!: string;
}

/** Fields left out are unchanged. A plan stays in its office. */
@InputType()
export class UpdateStrategicPlanInput {
  @Field(() => PlanKind, { nullable: true })
  @IsOptional()
  kind?: PlanKind | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 200)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsFinancialYear()
  startYear?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsFinancialYear()
  endYear?: string | null;
}

@InputType()
export class CreatePlanPriorityInput {
  @Field(() => Int)
  planId!: number;

  @Field(() => String)
  @Length(2, 200)
  title!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: "Order within the plan, 0 to 9999; defaults to after the last priority." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY_POSITION)
  position?: number | null;
}

/** Fields left out are unchanged. A priority stays in its plan. */
@InputType()
export class UpdatePlanPriorityInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 200)
  title?: string | null;

  @Field(() => String, { nullable: true, description: "Null clears it." })
  @IsOptional()
  @Length(0, 5000)
  description?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRIORITY_POSITION)
  position?: number | null;
}

@InputType()
export class CreateKeyPerformanceQuestionInput {
  @Field(() => Int)
  priorityId!: number;

  @Field(() => String)
  @Length(5, 300)
  question!: string;

  @Field(() => [Int], { nullable: true, description: "Indicators that answer the question, all of the plan's office." })
  @IsOptional()
  @ArrayMaxSize(50)
  indicatorIds?: number[] | null;
}

/** Fields left out are unchanged; indicatorIds, when given, replace the whole list. */
@InputType()
export class UpdateKeyPerformanceQuestionInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(5, 300)
  question?: string | null;

  @Field(() => [Int], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  indicatorIds?: number[] | null;
}
