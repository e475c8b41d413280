import { ArrayMaxSize, IsOptional, Length } from "class-validator";
import { GraphQLSafeInt } from "graphql-scalars";
import { Field, InputType, Int } from "type-graphql";
import { IsFinancialYear, IsPence, OmitOrGive } from "../../common/validators.js";
import { AllocationKind } from "./portfolio.entities.js";

@InputType()
export class PortfolioInput {
  @Field(() => Int, { nullable: true, description: "Create only; defaults to your office." })
  @IsOptional()
  officeId?: number;

  @Field(() => String, { nullable: true })
  @OmitOrGive()
  @Length(2, 200)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200)
  leadName?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  description?: string | null;

  @Field(() => [Int], { nullable: true, description: "Plan priorities the portfolio serves; replaces the list when given." })
  @IsOptional()
  @ArrayMaxSize(50)
  priorityIds?: number[];
}

@InputType()
export class AllocationInput {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  streamId?: number;

  @Field(() => Int, { nullable: true, description: "Required for PORTFOLIO allocations; none for PIPELINE and RESERVED." })
  @IsOptional()
  portfolioId?: number | null;

  @Field(() => AllocationKind, { nullable: true })
  @IsOptional()
  kind?: AllocationKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsFinancialYear()
  year?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  label?: string;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Pence." })
  @IsOptional()
  @IsPence()
  amountPence?: number;
}
