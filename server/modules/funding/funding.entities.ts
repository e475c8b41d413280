import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, VersionColumn } from "typeorm";
import { Office } from "../offices/office.entity.js";
import { ProviderType } from "../providers/provider.entity.js";

export enum FundingSource {
  PCC_BUDGET = "PCC_BUDGET",
  MOJ_VICTIMS_GRANT = "MOJ_VICTIMS_GRANT",
  HOME_OFFICE_GRANT = "HOME_OFFICE_GRANT",
  POLICE_PROPERTY_ACT = "POLICE_PROPERTY_ACT",
  PARTNER = "PARTNER",
  RESERVE = "RESERVE",
  OTHER = "OTHER",
}
registerEnumType(FundingSource, { name: "FundingSource" });

export enum ReportingCadence {
  NONE = "NONE",
  QUARTERLY = "QUARTERLY",
  HALF_YEARLY = "HALF_YEARLY",
  ANNUAL = "ANNUAL",
}
registerEnumType(ReportingCadence, { name: "ReportingCadence", description: "How often the funder expects progress reports." });

/** A pot of money with its own rules, e.g. the MoJ victims grant or the Police Property Act Fund. */
@ObjectType()
@Entity("funding_stream")
@Index(["officeId"])
@Index(["parentId"])
export class FundingStream {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  name!: string;

  @Field(() => FundingSource)
  @Column("varchar", { length: 30 })
  source!: FundingSource;

  /** Set when this stream is one fund within a larger one (Dorset's Safer Dorset Fund). */
  @Column("integer", { nullable: true })
  parentId!: number | null;

  @ManyToOne(() => FundingStream, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "parentId" })
  parent?: FundingStream;

  @Field(() => String, { nullable: true, description: "When set, the stream may fund only this purpose." })
  @Column("varchar", { length: 300, nullable: true })
  ringFencedPurpose!: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Largest single award, in pence." })
  @Column("integer", { nullable: true })
  maxAwardPence!: number | null;

  @Field(() => Boolean, { description: "Awards are for one financial year only and are not renewed." })
  @Column("boolean", { default: false })
  oneOffOnly!: boolean;

  @Field(() => [ProviderType], { description: "Recipient types allowed; empty means any." })
  @Column("simple-array", { default: "" })
  eligibleRecipientTypes!: ProviderType[];

  @Field(() => ReportingCadence)
  @Column("varchar", { length: 20, default: ReportingCadence.NONE })
  funderReportingCadence!: ReportingCadence;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}

/** A stream's amount in one financial year. */
@ObjectType()
@Entity("funding_stream_year")
@Unique(["streamId", "year"])
export class FundingStreamYear {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  streamId!: number;

  @ManyToOne(() => FundingStream, { onDelete: "CASCADE" })
  @JoinColumn({ name: "streamId" })
  stream?: FundingStream;

  @Field(() => String)
  @Column("varchar", { length: 7 })
  year!: string;

  @Field(() => GraphQLSafeInt)
  @Column("integer")
  amountPence!: number;

  @Field(() => Boolean, { description: "Receipts-based: the amount is an expectation, not a settlement." })
  @Column("boolean", { default: false })
  variable!: boolean;

  @Field(() => String, { nullable: true })
  @Column("varchar", { length: 300, nullable: true })
  note!: string | null;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}
