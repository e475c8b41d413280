import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";
import { Office } from "../offices/office.entity.js";

/**
 * What an office chooses to make public or share. Its own table (not columns on `office`) so an office without
 * a row publishes nothing and shares nothing: opting in is always an explicit act.
 */
@ObjectType({ description: "An office's open-data choices: whether it publishes a transparency page and open data, and whether it shares figures for benchmarking." })
@Entity("office_open_data")
export class OfficeOpenData {
  @Field(() => Int)
  @PrimaryColumn("integer")
  officeId!: number;

  @ManyToOne(() => Office, { onDelete: "CASCADE" })
  @JoinColumn({ name: "officeId" })
  office?: Office;

  @Field(() => Boolean, { description: "The office's transparency page and open-data downloads are public (no sign-in) at /open/<office code>/." })
  @Column("boolean", { default: false })
  publish!: boolean;

  @Field(() => Boolean, { description: "The office shares its indicator figures with the other offices that share theirs." })
  @Column("boolean", { default: false })
  shareBenchmarks!: boolean;

  @Field(() => String, { nullable: true, description: 'ONS code of the office\'s police force area, e.g. "E23000038" for Wiltshire; 360Giving beneficiaryLocation.' })
  @Column("varchar", { length: 9, nullable: true })
  policeForceAreaCode!: string | null;

  @Field(() => String, { nullable: true, description: 'OCDS ocid prefix registered with the Open Contracting Partnership, e.g. "ocds-a1b2c3". Unset: the placeholder "ocds-xxxxxx-<office code>".' })
  @Column("varchar", { length: 60, nullable: true })
  ocidPrefix!: string | null;

  @Field(() => String, { nullable: true, description: 'The office\'s 360Giving prefix without "360G-", e.g. "wiltshirepcc". Unset: the placeholder "opcc-<office code>".' })
  @Column("varchar", { length: 60, nullable: true })
  grantPrefix!: string | null;

  @Field(() => String, { nullable: true, description: 'The office\'s org-id (org-id.guide), used as the 360Giving funding organisation id. Unset: "360G-<prefix>".' })
  @Column("varchar", { length: 60, nullable: true })
  orgId!: string | null;

  @Field(() => Int)
  @VersionColumn({ type: "integer" })
  version!: number;

  @Field(() => Date)
  @UpdateDateColumn({ type: TIMESTAMP })
  updatedAt!: Date;
}
