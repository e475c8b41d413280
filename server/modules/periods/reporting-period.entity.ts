import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { Office } from "../offices/office.entity.js";

export enum PeriodState {
  OPEN = "OPEN",
  CLOSED = "CLOSED",
  FROZEN = "FROZEN",
}
registerEnumType(PeriodState, { name: "PeriodState" });

/** A quarter of a financial year in one office, for which providers send returns. */
@ObjectType()
@Entity("reporting_period")
@Unique(["officeId", "year", "quarter"])
@Index(["officeId", "state"])
export class ReportingPeriod {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Field(() => String, { description: 'Financial year, e.g. "2023-24".' })
  @Column("varchar", { length: 7 })
  year!: string;

  @Field(() => Int, { description: "1 = April–June … 4 = January–March." })
  @Column("integer")
  quarter!: number;

  @Field(() => String, { description: 'e.g. "2023-24 Q2".' })
  get label(): string {
    return `${this.year} Q${this.quarter}`;
  }

  @Field(() => String, { description: "First day of the quarter (ISO date)." })
  @Column("date")
  startDate!: string;

  @Field(() => String, { description: "Last day of the quarter (ISO date)." })
  @Column("date")
  endDate!: string;

  @Field(() => String, { description: "Returns submitted after this date are late (ISO date)." })
  @Column("date")
  dueDate!: string;

  @Field(() => String, { nullable: true, description: "Set when the due date is not the office's own, e.g. the demo's illustrative one." })
  @Column("varchar", { length: 200, nullable: true })
  dueDateNote!: string | null;

  @Field(() => PeriodState)
  @Column("varchar", { length: 10, default: PeriodState.OPEN })
  state!: PeriodState;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  closedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  frozenAt!: Date | null;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}
