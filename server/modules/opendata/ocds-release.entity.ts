import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "../../db/column-types.js";

/**
 * Every OCDS release the office has published, kept as it was: OCDS releases are immutable, and a release package
 * carries a contracting process's history, not only its latest state. Written the first time a release is served.
 */
@Entity("ocds_release")
@Index(["officeId", "ocid"])
export class OcdsRelease {
  @PrimaryGeneratedColumn("increment")
  id!: number;

  /** No foreign key: a published release outlives what it describes, like the audit trail. */
  @Column("integer")
  officeId!: number;

  @Column("varchar", { length: 200 })
  ocid!: string;

  @Column("varchar", { length: 240, unique: true })
  releaseId!: string;

  @Column(TIMESTAMP)
  date!: Date;

  @Column("simple-json")
  body!: Record<string, unknown>;
}
