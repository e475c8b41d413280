import { Field, Float, Int, ObjectType } from "type-graphql";
import { Rag, TargetBasis } from "./scorecard.rules.js";

// simpleResolvers: a full office is 12,240 cells × a dozen plain fields; graphql's default resolver is enough.
@ObjectType({ description: "One indicator in one quarter, for a contract, a portfolio or the whole office.", simpleResolvers: true })
export class ScorecardCell {
  @Field(() => Int)
  periodId!: number;

  @Field(() => String, { description: 'e.g. "2023-24 Q2".' })
  label!: string;

  @Field(() => Float, { nullable: true, description: "The indicator's value: the sum of numerators over the sum of denominators × factor." })
  actual!: number | null;

  @Field(() => Float, { nullable: true })
  numerator!: number | null;

  @Field(() => Float, { nullable: true })
  denominator!: number | null;

  @Field(() => Float, { nullable: true, description: "The target the actual is compared with; for an incomplete count, the reporting contracts' targets only." })
  target!: number | null;

  @Field(() => TargetBasis, { description: "What the target was taken from." })
  targetBasis!: TargetBasis;

  @Field(() => Float, { nullable: true, description: "The target for the full quarter, all returns in." })
  fullTarget!: number | null;

  @Field(() => Rag, { description: "Judged against `target` in the indicator's direction with its amber tolerance; an incomplete count with no comparable target is NO_TARGET." })
  rag!: Rag;

  @Field(() => Float, { nullable: true, description: "Actual minus the previous quarter's actual." })
  change!: number | null;

  @Field(() => Int, { description: "Returns counted in this cell." })
  returnsIn!: number;

  @Field(() => Int, { description: "Contracts that report this indicator: a figure from 2 of 6 returns says so." })
  returnsDue!: number;

  @Field(() => Boolean, { description: "Every due return is in (returnsIn >= returnsDue). An incomplete cell is a partial figure: see targetBasis." })
  complete!: boolean;

  @Field(() => Boolean, { description: "Includes submitted returns not yet accepted." })
  provisional!: boolean;
}

@ObjectType()
export class ScorecardRow {
  @Field(() => Int)
  indicatorId!: number;

  @Field(() => [ScorecardCell], { description: "Oldest quarter first." })
  cells!: ScorecardCell[];
}

@ObjectType({ description: "A portfolio's (or the office's, or a contract's) indicators by quarter." })
export class Scorecard {
  @Field(() => Int, { nullable: true, description: "Null for the office-wide scorecard." })
  portfolioId!: number | null;

  @Field(() => Int, { nullable: true, description: "Set for a contract's own scorecard." })
  contractId!: number | null;

  @Field(() => [ScorecardRow])
  rows!: ScorecardRow[];
}

@ObjectType({ description: "One measure's value in a return behind a scorecard cell." })
export class ProvenanceValue {
  @Field(() => Int)
  measureId!: number;

  @Field(() => String)
  measureCode!: string;

  @Field(() => String, { description: "NUMERATOR or DENOMINATOR." })
  role!: string;

  @Field(() => Float, { nullable: true })
  value!: number | null;
}

@ObjectType({ description: "A return that contributed to a scorecard cell, with who submitted and who accepted it." })
export class ProvenanceEntry {
  @Field(() => Int)
  contractId!: number;

  @Field(() => String)
  contractReference!: string;

  @Field(() => String)
  contractTitle!: string;

  @Field(() => Int)
  returnId!: number;

  @Field(() => String)
  state!: string;

  @Field(() => Int, { description: "The revision whose values count." })
  revision!: number;

  @Field(() => String, { nullable: true })
  submittedBy!: string | null;

  @Field(() => Date, { nullable: true })
  submittedAt!: Date | null;

  @Field(() => String, { nullable: true })
  acceptedBy!: string | null;

  @Field(() => Date, { nullable: true })
  acceptedAt!: Date | null;

  @Field(() => [ProvenanceValue])
  values!: ProvenanceValue[];
}

@ObjectType({ description: "How one indicator behind a Key Performance Question stands in a quarter, office-wide." })
export class IndicatorStatus {
  @Field(() => Int)
  indicatorId!: number;

  @Field(() => ScorecardCell, { nullable: true, description: "Null when no contract reports the indicator." })
  cell!: ScorecardCell | null;
}
