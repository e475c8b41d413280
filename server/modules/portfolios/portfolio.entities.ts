import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { FundingStream } from "../funding/funding.entities.js";
import { Office } from "../offices/office.entity.js";
import { PlanPriority } from "../plans/plan.entities.js";

/** A group of commissioned services led by one commissioning lead. */
@ObjectType()
@Entity("portfolio")
@Index(["officeId"])
export class Portfolio {
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

  @Field(() => String, { nullable: true })
  @Column("varchar", { length: 200, nullable: true })
  leadName!: string | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}

@Entity("portfolio_priority")
@Index(["priorityId"])
export class PortfolioPriority {
  @PrimaryColumn("integer")
  portfolioId!: number;

  @PrimaryColumn("integer")
  priorityId!: number;

  @ManyToOne(() => Portfolio, { onDelete: "CASCADE" })
  @JoinColumn({ name: "portfolioId" })
  portfolio?: Portfolio;

  @ManyToOne(() => PlanPriority, { onDelete: "CASCADE" })
  @JoinColumn({ name: "priorityId" })
  priority?: PlanPriority;
}

export enum AllocationKind {
  PORTFOLIO = "PORTFOLIO",
  PIPELINE = "PIPELINE",
  RESERVED = "RESERVED",
}
registerEnumType(AllocationKind, {
  name: "AllocationKind",
  valuesConfig: {
    PORTFOLIO: { description: "Money given to a portfolio to fund its services." },
    PIPELINE: { description: "Money set aside for services still being developed: no contract yet." },
    RESERVED: { description: "Money held back for a named purpose (e.g. a new Commissioner's pledges)." },
  },
});

/** Money from one funding stream in one year, given to a portfolio, the pipeline, or held in reserve. */
@ObjectType()
@Entity("portfolio_allocation")
@Index(["streamId", "year"])
@Index(["portfolioId"])
export class PortfolioAllocation {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  streamId!: number;

  @ManyToOne(() => FundingStream, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "streamId" })
  stream?: FundingStream;

  @Column("integer", { nullable: true })
  portfolioId!: number | null;

  @ManyToOne(() => Portfolio, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "portfolioId" })
  portfolio?: Portfolio;

  @Field(() => AllocationKind)
  @Column("varchar", { length: 20 })
  kind!: AllocationKind;

  @Field(() => String)
  @Column("varchar", { length: 7 })
  year!: string;

  @Field(() => String, { description: "What the money is for, e.g. \"Core budget\" or \"Custody healthcare contract\"." })
  @Column("varchar", { length: 200 })
  label!: string;

  @Field(() => GraphQLSafeInt)
  @Column("integer")
  amountPence!: number;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}
