import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { Office } from "../offices/office.entity.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { User } from "../users/user.entity.js";

export enum RiskStatus {
  OPEN = "OPEN",
  MITIGATING = "MITIGATING",
  CLOSED = "CLOSED",
}
registerEnumType(RiskStatus, { name: "RiskStatus" });

@ObjectType()
@Entity("risk")
@Index(["officeId", "status"])
export class Risk {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Column("integer", { nullable: true })
  portfolioId!: number | null;

  @ManyToOne(() => Portfolio, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "portfolioId" })
  portfolio?: Portfolio;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => Int, { description: "1 (rare) to 5 (almost certain)." })
  @Column("integer")
  likelihood!: number;

  @Field(() => Int, { description: "1 (negligible) to 5 (severe)." })
  @Column("integer")
  impact!: number;

  @Field(() => Int, { description: "Likelihood × impact, 1–25." })
  get score(): number {
    return this.likelihood * this.impact;
  }

  @Field(() => String)
  @Column("varchar", { length: 200 })
  ownerName!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  mitigation!: string | null;

  @Field(() => RiskStatus)
  @Column("varchar", { length: 12, default: RiskStatus.OPEN })
  status!: RiskStatus;

  @Field(() => Boolean, { description: "Escalated to the office's corporate risk register." })
  @Column("boolean", { default: false })
  escalated!: boolean;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;

  @Field(() => Date)
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;
}

/** A risk as assessed at one quarterly review. */
@ObjectType()
@Entity("risk_review")
@Index(["riskId"])
export class RiskReview {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  riskId!: number;

  @ManyToOne(() => Risk, { onDelete: "CASCADE" })
  @JoinColumn({ name: "riskId" })
  risk?: Risk;

  @Field(() => String)
  @Column("varchar", { length: 7 })
  year!: string;

  @Field(() => Int)
  @Column("integer")
  quarter!: number;

  @Field(() => Int)
  @Column("integer")
  likelihood!: number;

  @Field(() => Int)
  @Column("integer")
  impact!: number;

  @Field(() => RiskStatus)
  @Column("varchar", { length: 12 })
  status!: RiskStatus;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  note!: string | null;

  @Column("integer")
  reviewedById!: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "reviewedById" })
  reviewedBy?: User;

  @Field(() => Date)
  @Column(TIMESTAMP)
  reviewedAt!: Date;
}
