import type { EntityManager } from "typeorm";
import { tableName as T } from "../../db/bulk.js";
import { computeScorecards, type CellData, type ScorecardData, type ScorecardScope } from "./scorecard.service.js";
import { readScorecards } from "./scorecard-read.js";

export interface CellMismatch {
  officeId: number;
  includeSubmitted: boolean;
  portfolioId: number | null;
  indicatorId: number | null;
  periodId: number | null;
  field: string;
  maintained: unknown;
  recomputed: unknown;
}

const FIELDS: (keyof CellData)[] = ["numerator", "denominator", "actual", "target", "rag", "change", "returnsIn", "returnsDue", "provisional", "label"];

function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

/** Every difference between two answers to the same scorecard question, cell by cell. */
export function compareScorecards(maintained: ScorecardData[], recomputed: ScorecardData[], where: { officeId: number; includeSubmitted: boolean }): CellMismatch[] {
  const out: CellMismatch[] = [];
  const key = (s: ScorecardData) => `${s.portfolioId}:${s.contractId}`;
  const theirs = new Map(recomputed.map((s) => [key(s), s]));
  const ours = new Map(maintained.map((s) => [key(s), s]));
  const miss = (portfolioId: number | null, indicatorId: number | null, field: string, m: unknown, r: unknown) => out.push({ ...where, portfolioId, indicatorId, periodId: null, field, maintained: m, recomputed: r });
  for (const k of new Set([...theirs.keys(), ...ours.keys()])) {
    const a = ours.get(k);
    const b = theirs.get(k);
    if (!a || !b) {
      miss((a ?? b)!.portfolioId, null, "scorecard", a ? "present" : "absent", b ? "present" : "absent");
      continue;
    }
    const rowsB = new Map(b.rows.map((r) => [r.indicatorId, r]));
    if (a.rows.map((r) => r.indicatorId).join() !== b.rows.map((r) => r.indicatorId).join()) miss(a.portfolioId, null, "rows", a.rows.map((r) => r.indicatorId), b.rows.map((r) => r.indicatorId));
    for (const rowA of a.rows) {
      const rowB = rowsB.get(rowA.indicatorId);
      if (!rowB) continue;
      if (rowA.cells.length !== rowB.cells.length) miss(a.portfolioId, rowA.indicatorId, "cells", rowA.cells.length, rowB.cells.length);
      rowA.cells.forEach((cellA, i) => {
        const cellB = rowB.cells[i];
        if (!cellB) return;
        for (const field of FIELDS) {
          if (!same(cellA[field], cellB[field])) out.push({ ...where, portfolioId: a.portfolioId, indicatorId: rowA.indicatorId, periodId: cellA.periodId, field, maintained: cellA[field], recomputed: cellB[field] });
        }
      });
    }
  }
  return out;
}

/**
 * The maintained cells of an office against a recomputation from the raw values (computeScorecards, the
 * oracle): accepted only and with submitted returns, office-wide and per portfolio scope.
 */
export async function verifyOffice(manager: EntityManager, officeId: number, extra: Partial<ScorecardScope> = {}): Promise<CellMismatch[]> {
  const out: CellMismatch[] = [];
  for (const includeSubmitted of [false, true]) {
    const scope: ScorecardScope = { officeId, includeSubmitted, ...extra };
    const [maintained, recomputed] = [await readScorecards(manager, scope), await computeScorecards(manager, scope)];
    out.push(...compareScorecards(maintained.scorecards, recomputed.scorecards, { officeId, includeSubmitted }));
  }
  return out;
}

/** Every office of a store. */
export async function verifyStore(manager: EntityManager): Promise<{ offices: number; mismatches: CellMismatch[] }> {
  const offices: number[] = (await manager.query(`SELECT id FROM ${T(manager, "office")} ORDER BY id`)).map((r: { id: unknown }) => Number(r.id));
  const mismatches: CellMismatch[] = [];
  for (const officeId of offices) mismatches.push(...(await verifyOffice(manager, officeId)));
  return { offices: offices.length, mismatches };
}
