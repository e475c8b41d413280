import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn, VersionColumn } from "typeorm";
import { REAL, TIMESTAMP } from "../../db/column-types.js";
import { Contract } from "../contracts/contract.entities.js";
import { Measure } from "../kpis/kpi.entities.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { User } from "../users/user.entity.js";

export enum ReturnState {
  DRAFT = "DRAFT",
  SUBMITTED = "SUBMITTED",
  RETURNED = "RETURNED",
  ACCEPTED = "ACCEPTED",
}
registerEnumType(ReturnState, { name: "ReturnState" });

/** A provider's quarterly performance return for one contract. */
@ObjectType()
@Entity("performance_return")
@Unique(["contractId", "periodId"])
@Index(["periodId", "state"])
export class PerformanceReturn {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  contractId!: number;

  @ManyToOne(() => Contract, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Column("integer")
  periodId!: number;

  @ManyToOne(() => ReportingPeriod, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "periodId" })
  period?: ReportingPeriod;

  @Field(() => ReturnState)
  @Column("varchar", { length: 10, default: ReturnState.DRAFT })
  state!: ReturnState;

  @Field(() => Int, { description: "Number of submissions so far; each is an immutable revision." })
  @Column("integer", { default: 0 })
  revisionCount!: number;

  @Field(() => Boolean, { description: "First submitted after the period's due date." })
  @Column("boolean", { default: false })
  late!: boolean;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  achievements!: string | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  challenges!: string | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  caseStudy!: string | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  emergingRisks!: string | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "The quarter's spend reported by the provider, in pence." })
  @Column("integer", { nullable: true })
  spendPence!: number | null;

  @Field(() => String, { nullable: true, description: "Why the return was sent back, or reopened." })
  @Column("text", { nullable: true })
  reviewReason!: string | null;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  submittedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  acceptedAt!: Date | null;

  @Column("integer", { nullable: true })
  acceptedById!: number | null;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "acceptedById" })
  acceptedBy?: User;

  @Field(() => String, { nullable: true, description: "Set while the return is open for correction in a closed or frozen quarter: why it was opened." })
  @Column("text", { nullable: true })
  correctionReason!: string | null;

  /** The officer who opened it for correction. */
  @Column("integer", { nullable: true })
  correctionOpenedById!: number | null;

  @Field(() => Date, { nullable: true, description: "When it was opened for correction; null when it is not open for correction." })
  @Column(TIMESTAMP, { nullable: true })
  correctionOpenedAt!: Date | null;

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

/** The current (draft or last submitted) value of one measure in a return. */
@ObjectType()
@Entity("return_value")
@Unique(["returnId", "measureId"])
@Index(["measureId"])
export class ReturnValue {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  returnId!: number;

  @ManyToOne(() => PerformanceReturn, { onDelete: "CASCADE" })
  @JoinColumn({ name: "returnId" })
  performanceReturn?: PerformanceReturn;

  @Column("integer")
  measureId!: number;

  @ManyToOne(() => Measure, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "measureId" })
  measure?: Measure;

  @Field(() => Float, { nullable: true })
  @Column(REAL, { nullable: true })
  value!: number | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  comment!: string | null;
}

export interface RevisionValue {
  measureId: number;
  value: number | null;
  comment: string | null;
}

export interface RevisionNarrative {
  achievements: string | null;
  challenges: string | null;
  caseStudy: string | null;
  emergingRisks: string | null;
  spendPence: number | null;
}

/** One submission of a return, kept as it was sent. The review outcome is recorded on it once. */
@ObjectType()
@Entity("return_revision")
@Unique(["returnId", "number"])
export class ReturnRevision {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  returnId!: number;

  @ManyToOne(() => PerformanceReturn, { onDelete: "CASCADE" })
  @JoinColumn({ name: "returnId" })
  performanceReturn?: PerformanceReturn;

  @Field(() => Int)
  @Column("integer")
  number!: number;

  @Column("simple-json")
  values!: RevisionValue[];

  @Column("simple-json")
  narrative!: RevisionNarrative;

  @Column("integer")
  submittedById!: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "submittedById" })
  submittedBy?: User;

  @Field(() => Date)
  @Column(TIMESTAMP)
  submittedAt!: Date;

  @Field(() => Boolean)
  @Column("boolean", { default: false })
  late!: boolean;

  @Field(() => ReturnState, { nullable: true, description: "ACCEPTED or RETURNED once reviewed." })
  @Column("varchar", { length: 10, nullable: true })
  outcome!: ReturnState | null;

  @Column("integer", { nullable: true })
  reviewedById!: number | null;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "reviewedById" })
  reviewedBy?: User;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  reviewedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  reviewReason!: string | null;

  /** Officer's comments per measure when sent back: { [measureId]: comment }. */
  @Column("simple-json", { nullable: true })
  measureComments!: Record<string, string> | null;
}
