import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { Contract } from "../contracts/contract.entities.js";
import { Office } from "../offices/office.entity.js";
import { User } from "../users/user.entity.js";

export enum DecisionKind {
  AWARD = "AWARD",
  EXTEND = "EXTEND",
  VARY = "VARY",
  DECOMMISSION = "DECOMMISSION",
}
registerEnumType(DecisionKind, { name: "DecisionKind" });

/** A commissioning decision with its rationale and the performance evidence it relied on. */
@ObjectType()
@Entity("decision")
@Index(["officeId"])
@Index(["contractId"])
export class Decision {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Column("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Column("integer", { nullable: true })
  contractId!: number | null;

  @ManyToOne(() => Contract, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "contractId" })
  contract?: Contract;

  @Field(() => DecisionKind)
  @Column("varchar", { length: 15 })
  kind!: DecisionKind;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  title!: string;

  @Field(() => String)
  @Column("text")
  rationale!: string;

  /** Return ids whose figures the decision relied on. */
  @Column("simple-array", { default: "" })
  evidenceReturnIds!: string[];

  @Field(() => String, { description: "ISO date." })
  @Column("date")
  decidedOn!: string;

  @Column("integer")
  decidedById!: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "decidedById" })
  decidedBy?: User;

  @Field(() => Boolean)
  @Column("boolean", { default: false })
  published!: boolean;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;

  @Field(() => Date)
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;
}
