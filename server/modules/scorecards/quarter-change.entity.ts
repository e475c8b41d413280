import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";

export enum QuarterChangeKind {
  /** An accepted return in a closed or frozen quarter was opened for correction: its figures are withdrawn. */
  RETURN_REOPENED = "RETURN_REOPENED",
  /** The corrected return was accepted again. */
  RETURN_CORRECTED = "RETURN_CORRECTED",
  TARGET_CHANGED = "TARGET_CHANGED",
  FUNDING_CHANGED = "FUNDING_CHANGED",
  /** A contract with figures in the quarter moved portfolio or changed status (e.g. decommissioned by a published decision). */
  CONTRACT_CHANGED = "CONTRACT_CHANGED",
}
registerEnumType(QuarterChangeKind, { name: "QuarterChangeKind", description: "What changed a closed or frozen quarter's figures." });

/**
 * Who changed a closed or frozen quarter's figures, when and why: the cause behind each restatement. Written in the
 * same transaction as the change (append-only, like the audit trail, but kept per quarter for the Panel's view).
 */
@ObjectType({ description: "A change to a closed or frozen quarter's figures: who, when and why." })
@Entity("quarter_change")
@Index(["periodId"])
export class QuarterChange {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @Field(() => Int)
  @Column("integer")
  periodId!: number;

  @Field(() => QuarterChangeKind)
  @Column("varchar", { length: 20 })
  kind!: QuarterChangeKind;

  @Field(() => Int, { nullable: true, description: "The portfolio whose cells it moves (a contract's portfolio for returns and funding)." })
  @Column("integer", { nullable: true })
  portfolioId!: number | null;

  @Field(() => Int, { nullable: true, description: "Set for a target change: the one indicator it moves." })
  @Column("integer", { nullable: true })
  indicatorId!: number | null;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  contractId!: number | null;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  returnId!: number | null;

  @Field(() => String, { nullable: true, description: "Why, in the officer's words." })
  @Column("text", { nullable: true })
  reason!: string | null;

  @Column("integer")
  userId!: number;

  @Field(() => Date)
  @Column(TIMESTAMP)
  at!: Date;
}
