import { IsOptional, Length, Matches } from "class-validator";
import { Field, InputType, Int } from "type-graphql";

@InputType({ description: "An office's open-data choices. Fields left out keep their value." })
export class OpenDataSettingsInput {
  @Field(() => Int, { nullable: true, description: "Defaults to your own office." })
  officeId?: number | null;

  @Field(() => Boolean, { nullable: true })
  publish?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  shareBenchmarks?: boolean | null;

  @Field(() => String, { nullable: true, description: 'ONS police force area code, e.g. "E23000038".' })
  @IsOptional()
  @Matches(/^[EW]23\d{6}$/, { message: "A police force area code is E23 or W23 followed by six digits." })
  policeForceAreaCode?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. "ocds-a1b2c3".' })
  @IsOptional()
  @Matches(/^ocds-[a-z0-9]{6}(-[A-Za-z0-9]+)*$/, { message: "An ocid prefix is ocds- and six letters or digits." })
  ocidPrefix?: string | null;

  @Field(() => String, { nullable: true, description: 'Without "360G-", e.g. "wiltshirepcc".' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{2,60}$/, { message: "Letters, digits and hyphens only." })
  grantPrefix?: string | null;

  @Field(() => String, { nullable: true, description: 'org-id.guide identifier, e.g. "GB-GOR-PB123".' })
  @IsOptional()
  @Length(4, 60)
  orgId?: string | null;
}
