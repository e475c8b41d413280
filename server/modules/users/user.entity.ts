import { Field, Int, ObjectType } from "type-graphql";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { Office } from "../offices/office.entity.js";
import { Provider } from "../providers/provider.entity.js";
import { Role } from "./role.js";

@ObjectType()
@Entity("user")
@Index(["officeId"])
@Index(["providerId"])
export class User {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => String, { nullable: true, description: "Null where you may not see it: providers see staff by name and role only." })
  @Column("varchar", { length: 200, unique: true })
  email!: string;

  @Field(() => String)
  @Column("varchar", { length: 200 })
  name!: string;

  @Column("varchar", { length: 100 })
  passwordHash!: string;

  @Field(() => Role)
  @Column("varchar", { length: 20 })
  role!: Role;

  /** Home office. Administrators and provider users may have none. */
  @Column("integer", { nullable: true })
  officeId!: number | null;

  @ManyToOne(() => Office, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Column("integer", { nullable: true })
  providerId!: number | null;

  @ManyToOne(() => Provider, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "providerId" })
  provider?: Provider;

  @Field(() => Boolean)
  @Column("boolean", { default: true })
  active!: boolean;

  /** Bumped to revoke every token issued before. */
  @Column("integer", { default: 0 })
  tokenVersion!: number;

  /** Edits carry it (updateUser); the default fills the rows that predate it (migration 1701000000000). */
  @Field(() => Int)
  @VersionColumn({ type: "integer", default: 1 })
  version!: number;

  @Field(() => Date)
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;
}
