import { ArrayMaxSize, ArrayUnique, IsInt, Length } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { IsIsoDate } from "../../common/validators.js";
import { DecisionKind } from "./decision.entity.js";

@InputType()
export class RecordDecisionInput {
  @Field(() => Int, { nullable: true, description: "Defaults to the contract's office, then your own." })
  officeId?: number | null;

  @Field(() => DecisionKind)
  kind!: DecisionKind;

  @Field(() => String)
  @Length(2, 200)
  title!: string;

  @Field(() => String, { description: "Why: what the decision weighed, in words the Panel can read once it is published." })
  @Length(1, 20000)
  rationale!: string;

  @Field(() => Int, { nullable: true, description: "The contract decided on, if any; a contract of the same office." })
  contractId?: number | null;

  @Field(() => [Int], { description: "Performance returns the decision relied on: the office's own, and the contract's when one is named." })
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsInt({ each: true })
  evidenceReturnIds!: number[];

  @Field(() => String, { description: "ISO date the decision was taken." })
  @IsIsoDate()
  decidedOn!: string;
}
