import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "../db/column-types.js";

/**
 * Every event published to subscribers, numbered. The sequence lets a reconnecting client ask for
 * exactly what it missed.
 */
@Entity("domain_event")
@Index(["topic", "officeId", "seq"])
export class DomainEvent {
  @PrimaryGeneratedColumn("increment")
  seq!: number;

  @Column("varchar", { length: 40 })
  topic!: string;

  @Column("integer")
  officeId!: number;

  @Column("simple-json")
  payload!: unknown;

  @Column(TIMESTAMP)
  at!: Date;
}

/** The first answer to a retried mutation, kept so a retry returns it instead of acting twice. */
@Entity("idempotency_record")
export class IdempotencyRecord {
  @Column("varchar", { length: 100, primary: true })
  key!: string;

  @Column("integer", { primary: true })
  userId!: number;

  @Column("varchar", { length: 60 })
  operation!: string;

  @Column("integer")
  resultId!: number;

  @Column(TIMESTAMP)
  createdAt!: Date;
}
