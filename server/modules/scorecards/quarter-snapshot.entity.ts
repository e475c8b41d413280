import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { User } from "../users/user.entity.js";

/** The scorecards and money of a frozen quarter, as the Panel was shown them. */
@ObjectType()
@Entity("quarter_snapshot")
export class QuarterSnapshot {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer", { unique: true })
  periodId!: number;

  @ManyToOne(() => ReportingPeriod, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "periodId" })
  period?: ReportingPeriod;

  @Field(() => Date)
  @Column(TIMESTAMP)
  frozenAt!: Date;

  @Column("integer")
  frozenById!: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "frozenById" })
  frozenBy?: User;

  /** Scorecard cells and money summaries as computed at the freeze. */
  @Column("simple-json")
  payload!: unknown;
}
