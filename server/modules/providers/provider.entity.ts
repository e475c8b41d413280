import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";

export enum ProviderType {
  VOLUNTARY_COMMUNITY = "VOLUNTARY_COMMUNITY",
  PUBLIC_BODY = "PUBLIC_BODY",
  PRIVATE = "PRIVATE",
}
registerEnumType(ProviderType, { name: "ProviderType" });

/** An organisation that delivers commissioned services. Not owned by one office: a national charity may hold contracts with several. */
@ObjectType()
@Entity("provider")
export class Provider {
  @Field(() => Int)
  @PrimaryGeneratedColumn("increment")
  id!: number;

  @Field(() => String)
  @Column("varchar", { length: 200, unique: true })
  name!: string;

  @Field(() => ProviderType)
  @Column("varchar", { length: 30 })
  type!: ProviderType;

  @Field(() => String, { nullable: true })
  @Column("varchar", { length: 20, nullable: true })
  charityNumber!: string | null;

  @Field(() => String, { nullable: true })
  @Column("varchar", { length: 20, nullable: true })
  companyNumber!: string | null;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;

  @Field(() => Date)
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;
}
