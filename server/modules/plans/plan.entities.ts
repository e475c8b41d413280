import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { Indicator } from "../kpis/kpi.entities.js";
import { Office } from "../offices/office.entity.js";

export enum PlanKind {
  POLICE_AND_CRIME_PLAN = "POLICE_AND_CRIME_PLAN",
  CRIMINAL_JUSTICE_BOARD_STRATEGY = "CRIMINAL_JUSTICE_BOARD_STRATEGY",
  COMMUNITY_SAFETY_PARTNERSHIP = "COMMUNITY_SAFETY_PARTNERSHIP",
  COMMISSIONING_STRATEGY = "COMMISSIONING_STRATEGY",
}
registerEnumType(PlanKind, { name: "PlanKind" });

@ObjectType()
@Entity("strategic_plan")
@Index(["officeId"])
export class StrategicPlan {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Field(() => PlanKind)
  @Column("varchar", { length: 40 })
  kind!: PlanKind;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  title!: string;

  @Field(() => String, { description: 'First financial year covered, e.g. "2017-18".' })
  @Column("varchar", { length: 7 })
  startYear!: string;

  @Field(() => String, { description: "Last financial year covered." })
  @Column("varchar", { length: 7 })
  endYear!: string;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}

/** A priority, pillar or objective of a plan. */
@ObjectType()
@Entity("plan_priority")
@Index(["planId"])
export class PlanPriority {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => Int)
  @Column("integer")
  planId!: number;

  @ManyToOne(() => StrategicPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "planId" })
  plan?: StrategicPlan;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => Int)
  @Column("integer", { default: 0 })
  position!: number;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}

/** A question the office wants its indicators to answer, under a priority (Durham's model). */
@ObjectType()
@Entity("key_performance_question")
@Index(["priorityId"])
export class KeyPerformanceQuestion {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => Int)
  @Column("integer")
  priorityId!: number;

  @ManyToOne(() => PlanPriority, { onDelete: "CASCADE" })
  @JoinColumn({ name: "priorityId" })
  priority?: PlanPriority;

  @Field(() => String)
  @Column("varchar", { length: 300 })
  question!: string;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}

/** Which indicators answer a Key Performance Question. */
@Entity("kpq_indicator")
@Index(["indicatorId"])
export class KpqIndicator {
  @PrimaryColumn("integer")
  questionId!: number;

  @PrimaryColumn("integer")
  indicatorId!: number;

  @ManyToOne(() => KeyPerformanceQuestion, { onDelete: "CASCADE" })
  @JoinColumn({ name: "questionId" })
  question?: KeyPerformanceQuestion;

  @ManyToOne(() => Indicator, { onDelete: "CASCADE" })
  @JoinColumn({ name: "indicatorId" })
  indicator?: Indicator;
}
