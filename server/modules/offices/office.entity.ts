import { Field, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";

/** An Office of the Police and Crime Commissioner: the tenant boundary. */
@ObjectType()
@Entity("office")
export class Office {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => String)
  @Column("varchar", { length: 120, unique: true })
  name!: string;

  /** Short code used in URLs and references, e.g. "wiltshire". */
  @Field(() => String)
  @Column("varchar", { length: 40, unique: true })
  code!: string;

  @Field(() => String, { description: "Title of the elected Commissioner's office, as it styles itself." })
  @Column("varchar", { length: 200 })
  commissionerTitle!: string;

  @Field(() => Date)
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;

  /** Edits carry it (updateOffice); the default fills the rows that predate it (migration 1701000000000). */
  @Field(() => Int)
  @VersionColumn({ type: "integer", default: 1 })
  version!: number;
}
