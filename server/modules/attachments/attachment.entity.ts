import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";

export enum AttachmentOwner {
  RETURN = "RETURN",
  DECISION = "DECISION",
  BRIEF = "BRIEF",
}
registerEnumType(AttachmentOwner, { name: "AttachmentOwner", description: "What an attachment belongs to: it is visible to exactly those who may see that record." });

/**
 * A file attached to a return (the provider's evidence), a decision or a brief (the office's papers). The bytes
 * live under the attachments folder, named by their SHA-256; the row says who may see them (its owner's policy).
 */
@ObjectType({ description: "A file attached to a return, a decision or a brief. Download it from `downloadPath` with your bearer token." })
@Entity("attachment")
@Index(["returnId"])
@Index(["decisionId"])
@Index(["briefId"])
@Index(["sha256"])
export class Attachment {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => Int)
  @Column("integer")
  officeId!: number;

  @Field(() => AttachmentOwner)
  @Column("varchar", { length: 10 })
  ownerType!: AttachmentOwner;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  returnId!: number | null;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  decisionId!: number | null;

  @Field(() => Int, { nullable: true })
  @Column("integer", { nullable: true })
  briefId!: number | null;

  @Field(() => String, { description: "The name it was uploaded with (display only: its type comes from its content)." })
  @Column("varchar", { length: 200 })
  filename!: string;

  @Field(() => String, { description: "The type found in its content, e.g. application/pdf." })
  @Column("varchar", { length: 120 })
  contentType!: string;

  @Field(() => Int)
  @Column("integer")
  sizeBytes!: number;

  @Field(() => String)
  @Column("varchar", { length: 64 })
  sha256!: string;

  @Column("integer")
  uploadedById!: number;

  @Field(() => Date)
  @Column(TIMESTAMP)
  uploadedAt!: Date;
}
