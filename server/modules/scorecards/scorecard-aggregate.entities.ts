import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { REAL } from "../../db/column-types.js";

/**
 * The parts a scorecard cell is made of, kept as sums so that a group's parts are the plain sum of its members'.
 * "accepted…" counts accepted returns only; "submitted…" adds what submitted (not yet accepted) returns would
 * contribute, for the provisional view. Target parts: over every due contract (targetSum/targetCount), and over
 * the reporting contracts (…TargetSum/…TargetCount, and Σ target × denominator with its weight for ratios).
 */
export abstract class CellParts {
  @Column("integer")
  returnsDue!: number;

  @Column("integer")
  targetCount!: number;

  @Column(REAL)
  targetSum!: number;

  @Column("integer")
  acceptedIn!: number;

  @Column(REAL)
  acceptedNumerator!: number;

  @Column(REAL)
  acceptedDenominator!: number;

  @Column("integer")
  acceptedTargetCount!: number;

  @Column(REAL)
  acceptedTargetSum!: number;

  @Column(REAL)
  acceptedWeightedTarget!: number;

  @Column(REAL)
  acceptedTargetWeight!: number;

  @Column("integer")
  submittedIn!: number;

  @Column(REAL)
  submittedNumerator!: number;

  @Column(REAL)
  submittedDenominator!: number;

  @Column("integer")
  submittedTargetCount!: number;

  @Column(REAL)
  submittedTargetSum!: number;

  @Column(REAL)
  submittedWeightedTarget!: number;

  @Column(REAL)
  submittedTargetWeight!: number;
}

/** One contract's parts for one indicator in one quarter in which its return is due. Not exposed over GraphQL. */
@Entity("scorecard_contract_cell")
@Index(["portfolioId", "periodId"])
export class ContractCellParts extends CellParts {
  @PrimaryColumn("integer")
  contractId!: number;

  @Column("integer")
  officeId!: number;

  @PrimaryColumn("integer")
  indicatorId!: number;

  @PrimaryColumn("integer")
  periodId!: number;

  @Column("integer")
  portfolioId!: number;

  /** The contract's own target for the quarter (its year's, pro rata for counts), if any. */
  @Column(REAL, { nullable: true })
  target!: number | null;
}

/** A portfolio's (portfolioId > 0) or the office's (portfolioId = 0) parts for one indicator in one quarter. */
@Entity("scorecard_cell")
export class GroupCellParts extends CellParts {
  @PrimaryColumn("integer")
  officeId!: number;

  @PrimaryColumn("integer")
  portfolioId!: number;

  @PrimaryColumn("integer")
  indicatorId!: number;

  @PrimaryColumn("integer")
  periodId!: number;
}

/** The part columns, in one order, for the SQL that sums them. */
export const PART_COLUMNS = [
  "returnsDue",
  "targetCount",
  "targetSum",
  "acceptedIn",
  "acceptedNumerator",
  "acceptedDenominator",
  "acceptedTargetCount",
  "acceptedTargetSum",
  "acceptedWeightedTarget",
  "acceptedTargetWeight",
  "submittedIn",
  "submittedNumerator",
  "submittedDenominator",
  "submittedTargetCount",
  "submittedTargetSum",
  "submittedWeightedTarget",
  "submittedTargetWeight",
] as const;
export type PartColumn = (typeof PART_COLUMNS)[number];
