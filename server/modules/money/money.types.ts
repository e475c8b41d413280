import { GraphQLSafeInt } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "Committed, planned and spent money for one line of a money summary, in pence." })
export class MoneyFigures {
  @Field(() => GraphQLSafeInt, { description: "Funding lines marked committed." })
  committedPence!: number;

  @Field(() => GraphQLSafeInt, { description: "Funding lines marked planned: intended, not yet contracted." })
  plannedPence!: number;

  @Field(() => GraphQLSafeInt, { description: "Actual spend recorded for the year so far." })
  spentPence!: number;
}

@ObjectType({ description: "One funding stream in one year." })
export class StreamMoney extends MoneyFigures {
  @Field(() => Int)
  streamId!: number;

  @Field(() => Int, { nullable: true })
  parentId!: number | null;

  @Field(() => String)
  name!: string;

  @Field(() => GraphQLSafeInt, { description: "The stream's amount for the year." })
  amountPence!: number;

  @Field(() => GraphQLSafeInt, { description: "Given to portfolios, the pipeline and reserves." })
  allocatedPence!: number;

  @Field(() => GraphQLSafeInt, { description: "Amount less committed and planned." })
  remainingPence!: number;

  @Field(() => GraphQLSafeInt, { description: "How far committed plus planned goes beyond the amount; 0 when it fits." })
  overCommittedPence!: number;

  @Field(() => Boolean, { description: "A parent stream: its figures include all of its funds' (its own amount plus theirs)." })
  includesChildren!: boolean;

  @Field(() => [String], { description: "Over-commitment first, then funding rules broken by existing awards (data that predates a rule)." })
  warnings!: string[];
}

@ObjectType({ description: "One portfolio (or the pipeline and reserves, portfolioId null) in one year." })
export class PortfolioMoney extends MoneyFigures {
  @Field(() => Int, { nullable: true })
  portfolioId!: number | null;

  @Field(() => GraphQLSafeInt)
  allocatedPence!: number;

  @Field(() => GraphQLSafeInt, { description: "Allocated less committed and planned." })
  remainingPence!: number;

  @Field(() => GraphQLSafeInt, { description: "How far committed plus planned goes beyond the allocation; 0 when it fits." })
  overCommittedPence!: number;

  @Field(() => [String], { description: "Over-commitment of the portfolio's allocation." })
  warnings!: string[];
}

@ObjectType({ description: "Money by Police and Crime Plan priority: each contract counts under its main priority." })
export class PriorityMoney extends MoneyFigures {
  @Field(() => Int, { nullable: true, description: "Null for contracts with no main priority." })
  priorityId!: number | null;
}

@ObjectType()
export class MoneySummary {
  @Field(() => String)
  year!: string;

  @Field(() => [StreamMoney])
  streams!: StreamMoney[];

  @Field(() => [PortfolioMoney])
  portfolios!: PortfolioMoney[];

  @Field(() => [PriorityMoney])
  priorities!: PriorityMoney[];

  @Field(() => GraphQLSafeInt, { description: "Sum of every stream's own amount for the year (a parent's children counted once)." })
  totalPence!: number;

  @Field(() => GraphQLSafeInt)
  allocatedPence!: number;

  @Field(() => GraphQLSafeInt)
  committedPence!: number;

  @Field(() => GraphQLSafeInt)
  plannedPence!: number;

  @Field(() => GraphQLSafeInt)
  spentPence!: number;
}
