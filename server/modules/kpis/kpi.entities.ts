import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, VersionColumn } from "typeorm";
import { REAL } from "../../db/column-types.js";
import { Contract } from "../contracts/contract.entities.js";
import { Office } from "../offices/office.entity.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";

export enum MeasureUnit {
  COUNT = "COUNT",
  PERCENT = "PERCENT",
  HOURS = "HOURS",
  DAYS = "DAYS",
  PENCE = "PENCE",
}
registerEnumType(MeasureUnit, { name: "MeasureUnit" });

/** A figure providers report each quarter, e.g. "referrals received". */
@ObjectType()
@Entity("measure")
@Unique(["officeId", "code"])
export class Measure {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Field(() => String)
  @Column("varchar", { length: 60 })
  code!: string;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => MeasureUnit)
  @Column("varchar", { length: 10 })
  unit!: MeasureUnit;

  @Field(() => Float, { nullable: true, description: "Smallest acceptable value." })
  @Column(REAL, { nullable: true })
  minValue!: number | null;

  @Field(() => Float, { nullable: true, description: "Largest acceptable value." })
  @Column(REAL, { nullable: true })
  maxValue!: number | null;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}

export enum Direction {
  HIGHER_IS_BETTER = "HIGHER_IS_BETTER",
  LOWER_IS_BETTER = "LOWER_IS_BETTER",
}
registerEnumType(Direction, { name: "Direction" });

/**
 * A KPI: (sum of numerator measures) / (sum of denominator measures) × factor, or just the numerator sum.
 * Rolled up by summing numerators and denominators, never by averaging ratios.
 */
@ObjectType()
@Entity("indicator")
@Unique(["officeId", "code"])
export class Indicator {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Field(() => String)
  @Column("varchar", { length: 60 })
  code!: string;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  name!: string;

  @Field(() => Float, { description: "Multiplier applied to the ratio: 100 for a percentage, 1 otherwise." })
  @Column(REAL, { default: 1 })
  factor!: number;

  @Field(() => MeasureUnit)
  @Column("varchar", { length: 10 })
  unit!: MeasureUnit;

  @Field(() => Direction)
  @Column("varchar", { length: 20 })
  direction!: Direction;

  @Field(() => Float, { description: "Amber while the actual is within this distance of target (in the indicator's unit); red beyond." })
  @Column(REAL, { default: 0 })
  amberTolerance!: number;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}

export enum MeasureRole {
  NUMERATOR = "NUMERATOR",
  DENOMINATOR = "DENOMINATOR",
}
registerEnumType(MeasureRole, { name: "MeasureRole" });

@Entity("indicator_measure")
@Index(["measureId"])
export class IndicatorMeasure {
  @PrimaryColumn("integer")
  indicatorId!: number;

  @PrimaryColumn("integer")
  measureId!: number;

  @PrimaryColumn("varchar", { length: 12 })
  role!: MeasureRole;

  @ManyToOne(() => Indicator, { onDelete: "CASCADE" })
  @JoinColumn({ name: "indicatorId" })
  indicator?: Indicator;

  @ManyToOne(() => Measure, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "measureId" })
  measure?: Measure;
}

/** An indicator a contract reports against (and so the measures its provider must send). */
@ObjectType()
@Entity("contract_kpi")
@Unique(["contractId", "indicatorId"])
@Index(["indicatorId"])
export class ContractKpi {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  contractId!: number;

  @ManyToOne(() => Contract, { onDelete: "CASCADE" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Column("integer")
  indicatorId!: number;

  @ManyToOne(() => Indicator, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "indicatorId" })
  indicator?: Indicator;
}

/**
 * A target for an indicator, set either for one contract or for a whole portfolio,
 * for a year (quarter null) or for one quarter.
 */
@ObjectType()
@Entity("target")
@Index(["indicatorId", "year"])
@Index(["contractId"])
@Index(["portfolioId"])
export class Target {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  indicatorId!: number;

  @ManyToOne(() => Indicator, { onDelete: "CASCADE" })
  @JoinColumn({ name: "indicatorId" })
  indicator?: Indicator;

  @Column("integer", { nullable: true })
  contractId!: number | null;

  @ManyToOne(() => Contract, { onDelete: "CASCADE" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Column("integer", { nullable: true })
  portfolioId!: number | null;

  @ManyToOne(() => Portfolio, { onDelete: "CASCADE" })
  @JoinColumn({ name: "portfolioId" })
  portfolio?: Portfolio;

  @Field(() => String)
  @Column("varchar", { length: 7 })
  year!: string;

  @Field(() => Int, { nullable: true, description: "Null for a target covering the whole year." })
  @Column("integer", { nullable: true })
  quarter!: number | null;

  @Field(() => Float)
  @Column(REAL)
  value!: number;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}
