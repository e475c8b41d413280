import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, UpdateDateColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { FundingStream } from "../funding/funding.entities.js";
import { Office } from "../offices/office.entity.js";
import { PlanPriority } from "../plans/plan.entities.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { Provider } from "../providers/provider.entity.js";
import { ReportingSchedule } from "./reporting-schedule.js";

export enum Mechanism {
  CONTRACTED_SERVICE = "CONTRACTED_SERVICE",
  ANY_QUALIFIED_PROVIDER = "ANY_QUALIFIED_PROVIDER",
  PARTNERSHIP_AGREEMENT = "PARTNERSHIP_AGREEMENT",
  GRANT = "GRANT",
}
registerEnumType(Mechanism, { name: "Mechanism", description: "How the service is commissioned." });

export enum LifecycleStage {
  ANALYSE = "ANALYSE",
  PLAN = "PLAN",
  DO = "DO",
  REVIEW = "REVIEW",
}
registerEnumType(LifecycleStage, { name: "LifecycleStage", description: "Where the service is in the commissioning cycle." });

export enum ContractStatus {
  PIPELINE = "PIPELINE",
  IN_PROCUREMENT = "IN_PROCUREMENT",
  LIVE = "LIVE",
  UNDER_REVIEW = "UNDER_REVIEW",
  DECOMMISSIONED = "DECOMMISSIONED",
  ENDED = "ENDED",
}
registerEnumType(ContractStatus, { name: "ContractStatus" });

/** A commissioned service: one provider, one portfolio, one office. */
@ObjectType()
@Entity("contract")
@Index(["officeId", "status"])
@Index(["portfolioId"])
@Index(["providerId"])
@Unique(["officeId", "reference"])
export class Contract {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Column("integer")
  portfolioId!: number;

  @ManyToOne(() => Portfolio, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "portfolioId" })
  portfolio?: Portfolio;

  @Column("integer")
  providerId!: number;

  @ManyToOne(() => Provider, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "providerId" })
  provider?: Provider;

  @Field(() => String, { description: "The office's own reference for the contract." })
  @Column("varchar", { length: 40 })
  reference!: string;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => Mechanism)
  @Column("varchar", { length: 30 })
  mechanism!: Mechanism;

  @Field(() => LifecycleStage)
  @Column("varchar", { length: 10 })
  stage!: LifecycleStage;

  @Field(() => ContractStatus)
  @Column("varchar", { length: 20 })
  status!: ContractStatus;

  @Field(() => String, { nullable: true, description: "ISO date." })
  @Column("date", { nullable: true })
  startDate!: string | null;

  @Field(() => String, { nullable: true, description: "ISO date." })
  @Column("date", { nullable: true })
  endDate!: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Whole annual value of the service, all funders, in pence." })
  @Column("integer", { nullable: true })
  annualValuePence!: number | null;

  @Column("integer", { nullable: true })
  mainPriorityId!: number | null;

  @ManyToOne(() => PlanPriority, { onDelete: "SET NULL" })
  @JoinColumn({ name: "mainPriorityId" })
  mainPriority?: PlanPriority;

  @Field(() => String, { nullable: true, description: 'Re-procurement: the review window as written, e.g. "March to May 2023"; its dates are reviewStartDate and reviewEndDate.' })
  @Column("varchar", { length: 100, nullable: true })
  reviewWindow!: string | null;

  @Field(() => String, { nullable: true, description: "Re-procurement: first day of the review or procurement window (ISO date)." })
  @Column("date", { nullable: true })
  reviewStartDate!: string | null;

  @Field(() => String, { nullable: true, description: "Re-procurement: last day of the review or procurement window (ISO date)." })
  @Column("date", { nullable: true })
  reviewEndDate!: string | null;

  @Field(() => String, { nullable: true, description: "Re-procurement: when the new service starts (ISO date)." })
  @Column("date", { nullable: true })
  plannedStartDate!: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Re-procurement: potential contract value to the office, in pence." })
  @Column("integer", { nullable: true })
  potentialValuePence!: number | null;

  @Field(() => ReportingSchedule, { description: "When its provider owes a return: set by an officer (setReportingSchedule); new contracts get a default by mechanism and value." })
  @Column("varchar", { length: 20, default: ReportingSchedule.QUARTERLY })
  reportingSchedule!: ReportingSchedule;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;

  @Field(() => Date)
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: TIMESTAMP })
  updatedAt!: Date;
}

/** The plan priorities a contract serves besides its main one. */
@Entity("contract_priority")
@Index(["priorityId"])
export class ContractPriority {
  @PrimaryColumn("integer")
  contractId!: number;

  @PrimaryColumn("integer")
  priorityId!: number;

  @ManyToOne(() => Contract, { onDelete: "CASCADE" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @ManyToOne(() => PlanPriority, { onDelete: "CASCADE" })
  @JoinColumn({ name: "priorityId" })
  priority?: PlanPriority;
}

export enum FundingLineStatus {
  COMMITTED = "COMMITTED",
  PLANNED = "PLANNED",
}
registerEnumType(FundingLineStatus, { name: "FundingLineStatus" });

/** Money from one of the office's funding streams towards a contract in one year. */
@ObjectType()
@Entity("funding_line")
@Index(["contractId"])
@Index(["streamId", "year"])
export class FundingLine {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  contractId!: number;

  @ManyToOne(() => Contract, { onDelete: "CASCADE" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Column("integer")
  streamId!: number;

  @ManyToOne(() => FundingStream, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "streamId" })
  stream?: FundingStream;

  @Field(() => String)
  @Column("varchar", { length: 7 })
  year!: string;

  @Field(() => GraphQLSafeInt)
  @Column("integer")
  amountPence!: number;

  @Field(() => FundingLineStatus)
  @Column("varchar", { length: 10 })
  status!: FundingLineStatus;
}

/** A partner paying towards a contract alongside the office (e.g. NHS England, a council). */
@ObjectType()
@Entity("co_commissioner")
@Index(["contractId"])
export class CoCommissioner {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  contractId!: number;

  @ManyToOne(() => Contract, { onDelete: "CASCADE" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  partnerName!: string;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "The partner's annual contribution, in pence, where known." })
  @Column("integer", { nullable: true })
  annualContributionPence!: number | null;
}

/** Actual spend on a contract in one quarter. */
@ObjectType()
@Entity("contract_spend")
@Unique(["contractId", "year", "quarter"])
export class ContractSpend {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  contractId!: number;

  @ManyToOne(() => Contract, { onDelete: "CASCADE" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Field(() => String)
  @Column("varchar", { length: 7 })
  year!: string;

  @Field(() => Int)
  @Column("integer")
  quarter!: number;

  @Field(() => GraphQLSafeInt)
  @Column("integer")
  amountPence!: number;
}
