import { ArrayMaxSize, IsInt, IsOptional, Length, Min, ValidateNested } from "class-validator";
import { GraphQLSafeInt } from "graphql-scalars";
import { ArgsType, Field, InputType, Int } from "type-graphql";
import { IsFinancialYear, IsIsoDate, IsPence } from "../../common/validators.js";
import { ContractStatus, FundingLineStatus, LifecycleStage, Mechanism } from "./contract.entities.js";
import { ReportingSchedule } from "./reporting-schedule.js";

@InputType()
export class FundingLineInput {
  @Field(() => Int)
  streamId!: number;

  @Field(() => String)
  @IsFinancialYear()
  year!: string;

  @Field(() => GraphQLSafeInt, { description: "Pence." })
  @IsPence()
  amountPence!: number;

  @Field(() => FundingLineStatus)
  status!: FundingLineStatus;
}

@InputType()
export class CoCommissionerInput {
  @Field(() => String)
  @Length(2, 200)
  partnerName!: string;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Pence per year." })
  @IsOptional()
  @IsPence()
  annualContributionPence?: number | null;
}

@InputType()
export class ContractSpendInput {
  @Field(() => String)
  @IsFinancialYear()
  year!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  quarter!: number;

  @Field(() => GraphQLSafeInt)
  @IsPence()
  amountPence!: number;
}

/** Fields shared by create and update. On update, a list given replaces the whole list; a list left out is unchanged. */
@InputType()
export class ContractInput {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  portfolioId?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  providerId?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 40)
  reference?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(2, 200)
  title?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  description?: string | null;

  @Field(() => Mechanism, { nullable: true })
  @IsOptional()
  mechanism?: Mechanism;

  @Field(() => LifecycleStage, { nullable: true })
  @IsOptional()
  stage?: LifecycleStage;

  @Field(() => ContractStatus, { nullable: true })
  @IsOptional()
  status?: ContractStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIsoDate()
  startDate?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIsoDate()
  endDate?: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true })
  @IsOptional()
  @IsPence()
  annualValuePence?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  mainPriorityId?: number | null;

  @Field(() => [Int], { nullable: true, description: "Other plan priorities the service serves." })
  @IsOptional()
  @ArrayMaxSize(50)
  otherPriorityIds?: number[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 100)
  reviewWindow?: string | null;

  @Field(() => String, { nullable: true, description: "First day of the review window (ISO date). When only reviewWindow is given, its dates are read from the text." })
  @IsOptional()
  @IsIsoDate()
  reviewStartDate?: string | null;

  @Field(() => String, { nullable: true, description: "Last day of the review window (ISO date)." })
  @IsOptional()
  @IsIsoDate()
  reviewEndDate?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIsoDate()
  plannedStartDate?: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true })
  @IsOptional()
  @IsPence()
  potentialValuePence?: number | null;

  @Field(() => ReportingSchedule, { nullable: true, description: "On create only; defaults by mechanism and value (see README). Change it later with setReportingSchedule." })
  @IsOptional()
  reportingSchedule?: ReportingSchedule | null;

  @Field(() => [FundingLineInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  fundingLines?: FundingLineInput[];

  @Field(() => String, { nullable: true, description: "An officer's reason for funding lines that take a stream or portfolio beyond what it holds; without one such a change is refused (rule overCommitted). Audited." })
  @IsOptional()
  @Length(5, 1000)
  overCommitmentReason?: string | null;

  @Field(() => String, { nullable: true, description: "Why the funding lines change: required when they reach a frozen quarter's year, whose money they restate." })
  @IsOptional()
  @Length(3, 1000)
  changeReason?: string | null;

  @Field(() => [CoCommissionerInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  coCommissioners?: CoCommissionerInput[];

  @Field(() => [ContractSpendInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  spend?: ContractSpendInput[];
}

@ArgsType()
export class ContractFilter {
  @Field(() => Int, { nullable: true, description: "Defaults to your office. Provider users: any office they hold contracts with." })
  officeId?: number | null;

  @Field(() => Int, { nullable: true })
  portfolioId?: number | null;

  @Field(() => Int, { nullable: true })
  providerId?: number | null;

  @Field(() => ContractStatus, { nullable: true })
  status?: ContractStatus | null;
}

@ArgsType()
export class IsoDateArgs {
  @Field(() => String, { nullable: true, description: "ISO date; today when omitted." })
  @IsOptional()
  @IsIsoDate()
  asOf?: string | null;
}
