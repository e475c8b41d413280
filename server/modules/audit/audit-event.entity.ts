import { GraphQLJSON } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";

/** Append-only record of every change: who, what, when, before and after. */
@ObjectType()
@Entity("audit_event")
@Index(["officeId", "at"])
@Index(["entityType", "entityId"])
export class AuditEvent {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  /** No foreign keys: the audit trail must outlive what it describes. */
  @Column("integer", { nullable: true })
  officeId!: number | null;

  @Column("integer", { nullable: true })
  userId!: number | null;

  @Field(() => String, { description: 'e.g. "contract.update".' })
  @Column("varchar", { length: 60 })
  action!: string;

  @Field(() => String)
  @Column("varchar", { length: 40 })
  entityType!: string;

  @Field(() => Int)
  @Column("integer")
  entityId!: number;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column("simple-json", { nullable: true })
  before!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column("simple-json", { nullable: true })
  after!: unknown;

  @Field(() => Date)
  @Column(TIMESTAMP)
  at!: Date;
}
