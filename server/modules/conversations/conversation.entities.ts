import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";

/** One message in a return's conversation between its provider and the office: on the whole return, or on one figure. */
@ObjectType({ description: "A comment on a return (measureId null) or on one of its figures. Visible to exactly those who may see the return." })
@Entity("return_comment")
@Index(["returnId", "id"])
export class ReturnComment {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => Int)
  @Column("integer")
  returnId!: number;

  @Field(() => Int)
  @Column("integer")
  officeId!: number;

  @Field(() => Int, { nullable: true, description: "The figure the comment is about; null for the whole return." })
  @Column("integer", { nullable: true })
  measureId!: number | null;

  @Field(() => Int, { nullable: true, description: "The comment this one answers, in the same return." })
  @Column("integer", { nullable: true })
  replyToId!: number | null;

  @Column("integer")
  authorId!: number;

  @Field(() => String)
  @Column("text")
  body!: string;

  @Field(() => Date)
  @Column(TIMESTAMP)
  createdAt!: Date;
}

/**
 * An officer's follow-up flag on one figure of a contract, raised on a return. It stays open, shown on the review
 * and beside that figure in later quarters' forms, until an officer clears it.
 */
@ObjectType({ description: "A figure flagged for follow-up: open until an officer clears it; shown in the next quarter's form." })
@Entity("figure_flag")
@Index(["contractId", "clearedAt"])
@Index(["returnId"])
export class FigureFlag {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => Int)
  @Column("integer")
  officeId!: number;

  @Field(() => Int)
  @Column("integer")
  contractId!: number;

  @Field(() => Int)
  @Column("integer")
  measureId!: number;

  @Field(() => Int, { description: "The return the flag was raised on." })
  @Column("integer")
  returnId!: number;

  @Field(() => Int, { description: "The quarter the flag was raised in." })
  @Column("integer")
  periodId!: number;

  @Field(() => String)
  @Column("text")
  note!: string;

  @Column("integer")
  raisedById!: number;

  @Field(() => Date)
  @Column(TIMESTAMP)
  raisedAt!: Date;

  @Column("integer", { nullable: true })
  clearedById!: number | null;

  @Field(() => Date, { nullable: true })
  @Column(TIMESTAMP, { nullable: true })
  clearedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  clearNote!: string | null;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;
}
