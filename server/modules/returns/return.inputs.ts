import { ArrayMaxSize, IsOptional, Length, ValidateNested } from "class-validator";
import { GraphQLSafeInt } from "graphql-scalars";
import { ArgsType, Field, Float, InputType, Int } from "type-graphql";
import { IsPence } from "../../common/validators.js";
import { ReturnState } from "./return.entities.js";

@InputType()
export class ReturnValueInput {
  @Field(() => Int)
  measureId!: number;

  @Field(() => Float, { nullable: true, description: "Leave empty while drafting; every measure needs a value to submit." })
  @IsOptional()
  value?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 2000)
  comment?: string | null;
}

@InputType()
export class SaveReturnInput {
  @Field(() => Int)
  contractId!: number;

  @Field(() => Int)
  periodId!: number;

  @Field(() => Int, { nullable: true, description: "The version you are editing; required once the return exists. A stale one fails with CONFLICT." })
  @IsOptional()
  version?: number | null;

  @Field(() => [ReturnValueInput], { defaultValue: [], description: "Values to set; measures left out keep their saved value." })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  values!: ReturnValueInput[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 10000)
  achievements?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 10000)
  challenges?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 10000)
  caseStudy?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 10000)
  emergingRisks?: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true })
  @IsOptional()
  @IsPence()
  spendPence?: number | null;
}

@InputType({ description: "The provider's explanation of a value that moved sharply since the previous quarter." })
export class OutlierAcknowledgement {
  @Field(() => Int)
  measureId!: number;

  @Field(() => String)
  @Length(3, 2000)
  comment!: string;
}

@InputType()
export class SubmitReturnInput {
  @Field(() => Int)
  returnId!: number;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { description: "Any unique string per submission attempt: a retry with the same key returns the first result and creates nothing new." })
  @Length(8, 100)
  idempotencyKey!: string;

  @Field(() => [OutlierAcknowledgement], { defaultValue: [] })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  acknowledgements!: OutlierAcknowledgement[];
}

@InputType()
export class MeasureCommentInput {
  @Field(() => Int)
  measureId!: number;

  @Field(() => String)
  @Length(1, 2000)
  comment!: string;
}

@ArgsType()
export class ReturnFilter {
  @Field(() => Int, { nullable: true })
  officeId?: number | null;

  @Field(() => Int, { nullable: true })
  periodId?: number | null;

  @Field(() => Int, { nullable: true })
  contractId?: number | null;

  @Field(() => Int, { nullable: true })
  portfolioId?: number | null;

  @Field(() => ReturnState, { nullable: true })
  state?: ReturnState | null;
}
