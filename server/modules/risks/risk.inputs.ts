import { IsInt, Length, Max, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { IsQuarterLabel } from "../../common/validators.js";
import { RiskStatus } from "./risk.entities.js";

/** Likelihood and impact are both scored 1–5; the register's heat map is the 5 × 5 grid of them. */
export const RISK_SCALE = { min: 1, max: 5 } as const;

@InputType()
export class CreateRiskInput {
  @Field(() => Int, { nullable: true, description: "Defaults to the portfolio's office, then your own." })
  officeId?: number | null;

  @Field(() => Int, { nullable: true, description: "A portfolio of the same office, or none for an office-wide risk." })
  portfolioId?: number | null;

  @Field(() => String)
  @Length(2, 200)
  title!: string;

  @Field(() => String, { nullable: true })
  @Length(0, 5000)
  description?: string | null;

  @Field(() => Int, { description: "1 (rare) to 5 (almost certain)." })
  @IsInt()
  @Min(RISK_SCALE.min)
  @Max(RISK_SCALE.max)
  likelihood!: number;

  @Field(() => Int, { description: "1 (negligible) to 5 (severe)." })
  @IsInt()
  @Min(RISK_SCALE.min)
  @Max(RISK_SCALE.max)
  impact!: number;

  @Field(() => String)
  @Length(2, 200)
  ownerName!: string;

  @Field(() => String, { nullable: true })
  @Length(0, 5000)
  mitigation?: string | null;

  @Field(() => RiskStatus, { nullable: true, description: "Defaults to OPEN." })
  status?: RiskStatus | null;

  @Field(() => Boolean, { nullable: true, description: "Escalated to the office's corporate risk register. Defaults to false." })
  escalated?: boolean | null;
}

/** Only the fields given change. portfolioId: null makes the risk office-wide; the other fields cannot be cleared. */
@InputType()
export class UpdateRiskInput {
  @Field(() => Int, { nullable: true })
  portfolioId?: number | null;

  @Field(() => String, { nullable: true })
  @Length(2, 200)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @Length(0, 5000)
  description?: string | null;

  @Field(() => Int, { nullable: true })
  @IsInt()
  @Min(RISK_SCALE.min)
  @Max(RISK_SCALE.max)
  likelihood?: number | null;

  @Field(() => Int, { nullable: true })
  @IsInt()
  @Min(RISK_SCALE.min)
  @Max(RISK_SCALE.max)
  impact?: number | null;

  @Field(() => String, { nullable: true })
  @Length(2, 200)
  ownerName?: string | null;

  @Field(() => String, { nullable: true })
  @Length(0, 5000)
  mitigation?: string | null;

  @Field(() => RiskStatus, { nullable: true })
  status?: RiskStatus | null;

  @Field(() => Boolean, { nullable: true })
  escalated?: boolean | null;
}

/** The risk as assessed at one quarter's Commissioning Performance Board; becomes its current assessment. */
@InputType()
export class RiskReviewInput {
  @Field(() => String, { description: 'The quarter reviewed, e.g. "2023-24 Q3".' })
  @IsQuarterLabel()
  quarter!: string;

  @Field(() => Int)
  @IsInt()
  @Min(RISK_SCALE.min)
  @Max(RISK_SCALE.max)
  likelihood!: number;

  @Field(() => Int)
  @IsInt()
  @Min(RISK_SCALE.min)
  @Max(RISK_SCALE.max)
  impact!: number;

  @Field(() => RiskStatus)
  status!: RiskStatus;

  @Field(() => String, { nullable: true })
  @Length(0, 5000)
  note?: string | null;
}
