import { ArrayMaxSize, IsInt, IsOptional, Length } from "class-validator";
import { GraphQLSafeInt } from "graphql-scalars";
import { Field, InputType, Int } from "type-graphql";
import { IsFinancialYear, IsPence, OmitOrGive } from "../../common/validators.js";
import { ProviderType } from "../providers/provider.entity.js";
import { FundingSource, ReportingCadence } from "./funding.entities.js";

@InputType()
export class FundingStreamInput {
  @Field(() => Int, { nullable: true, description: "Create only; defaults to your office." })
  @IsOptional()
  officeId?: number;

  @Field(() => String, { nullable: true })
  @OmitOrGive()
  @Length(2, 200)
  name?: string;

  @Field(() => FundingSource, { nullable: true })
  @OmitOrGive()
  source?: FundingSource;

  @Field(() => Int, { nullable: true, description: "The stream this one is part of." })
  @IsOptional()
  parentId?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 300)
  ringFencedPurpose?: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true })
  @IsOptional()
  @IsPence(1)
  maxAwardPence?: number | null;

  @Field(() => Boolean, { nullable: true })
  @OmitOrGive()
  oneOffOnly?: boolean;

  @Field(() => [ProviderType], { nullable: true })
  @OmitOrGive()
  @ArrayMaxSize(3)
  eligibleRecipientTypes?: ProviderType[];

  @Field(() => ReportingCadence, { nullable: true })
  @OmitOrGive()
  funderReportingCadence?: ReportingCadence;
}

@InputType()
export class FundingStreamYearInput {
  @Field(() => Int)
  streamId!: number;

  @Field(() => String)
  @IsFinancialYear()
  year!: string;

  @Field(() => GraphQLSafeInt, { description: "Pence." })
  @IsPence()
  amountPence!: number;

  @Field(() => Boolean, { defaultValue: false })
  variable!: boolean;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 300)
  note?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "The version of the stream's year you are changing; omit it to set a year not yet set. A stale version, or none when the year is set already, fails with CONFLICT and changes nothing.",
  })
  @IsOptional()
  @IsInt()
  version?: number | null;
}
