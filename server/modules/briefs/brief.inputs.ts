import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsInt, Length, Max, Min } from "class-validator";
import { GraphQLSafeInt } from "graphql-scalars";
import { Field, InputType, Int } from "type-graphql";
import { IsIsoDate, IsPence } from "../../common/validators.js";
import { Mechanism } from "../contracts/contract.entities.js";
import { BRIEF_SCORE } from "./brief.rules.js";
import { BriefDriver } from "./project-brief.entity.js";

@InputType()
export class SubmitBriefInput {
  @Field(() => Int, { nullable: true, description: "Defaults to your office, or the portfolio's for a user without one." })
  officeId?: number | null;

  @Field(() => Int, { nullable: true, description: "A portfolio of the same office. Needed by approval time." })
  portfolioId?: number | null;

  @Field(() => String)
  @Length(2, 200)
  title!: string;

  @Field(() => String, { description: "The business need: the problem, and what the service would change." })
  @Length(1, 10000)
  summary!: string;

  @Field(() => [BriefDriver], { description: "What the proposal improves; at least one." })
  @ArrayMinSize(1)
  @ArrayMaxSize(Object.keys(BriefDriver).length)
  @ArrayUnique()
  drivers!: BriefDriver[];

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Proposed annual cost, in pence; becomes the contract's annual value." })
  @IsPence()
  proposedValuePence?: number | null;
}

@InputType({ description: "Each 0 (no reason, no evidence) to 3 (excellent reason, sound evidence)." })
export class BriefScoresInput {
  @Field(() => Int)
  @IsInt()
  @Min(BRIEF_SCORE.min)
  @Max(BRIEF_SCORE.max)
  businessNeedScore!: number;

  @Field(() => Int)
  @IsInt()
  @Min(BRIEF_SCORE.min)
  @Max(BRIEF_SCORE.max)
  driversScore!: number;

  @Field(() => Int)
  @IsInt()
  @Min(BRIEF_SCORE.min)
  @Max(BRIEF_SCORE.max)
  deliverabilityScore!: number;
}

/** The contract an approved brief becomes; title, description, portfolio and value come from the brief. */
@InputType()
export class BriefContractInput {
  @Field(() => Int)
  providerId!: number;

  @Field(() => String, { description: "The office's own reference for the new contract; unique in the office." })
  @Length(1, 40)
  reference!: string;

  @Field(() => Mechanism)
  mechanism!: Mechanism;

  @Field(() => String, { nullable: true, description: "ISO date." })
  @IsIsoDate()
  startDate?: string | null;

  @Field(() => Int, { nullable: true, description: "Only for a brief submitted without a portfolio: where the contract sits." })
  portfolioId?: number | null;
}
