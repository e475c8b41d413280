import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { Contract } from "../contracts/contract.entities.js";
import { Office } from "../offices/office.entity.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";

export enum BriefDriver {
  ECONOMIC = "ECONOMIC",
  EFFICIENCY = "EFFICIENCY",
  EFFECTIVENESS = "EFFECTIVENESS",
  REPROCUREMENT = "REPROCUREMENT",
  COMPLIANCE = "COMPLIANCE",
}
registerEnumType(BriefDriver, {
  name: "BriefDriver",
  valuesConfig: {
    ECONOMIC: { description: "A budget saving." },
    EFFICIENCY: { description: "Doing more for less." },
    EFFECTIVENESS: { description: "A better-quality service." },
    REPROCUREMENT: { description: "Replacing part of an existing service." },
    COMPLIANCE: { description: "Meeting legislation, regulation or standards." },
  },
});

export enum BriefState {
  SUBMITTED = "SUBMITTED",
  SCORED = "SCORED",
  APPROVED = "APPROVED",
  DECLINED = "DECLINED",
}
registerEnumType(BriefState, { name: "BriefState" });

/** A proposal for a service, scored business need × drivers × deliverability (each 0–3, total 0–27). */
@ObjectType()
@Entity("project_brief")
@Index(["officeId", "state"])
export class ProjectBrief {
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
  summary!: string | null;

  @Field(() => [BriefDriver])
  @Column("simple-array", { default: "" })
  drivers!: BriefDriver[];

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  businessNeedScore!: number | null;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  driversScore!: number | null;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  deliverabilityScore!: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Proposed annual cost, in pence." })
  @Column("integer", { nullable: true })
  proposedValuePence!: number | null;

  @Field(() => BriefState)
  @Column("varchar", { length: 10, default: BriefState.SUBMITTED })
  state!: BriefState;

  @Column("integer", { nullable: true })
  contractId!: number | null;

  @ManyToOne(() => Contract, { onDelete: "SET NULL" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;

  @Field(() => Date)
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;
}
