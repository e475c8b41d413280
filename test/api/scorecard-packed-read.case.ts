import { expect } from "vitest";
import type { DataSource, EntityManager } from "typeorm";
import { readScorecards } from "../../server/modules/scorecards/scorecard-read.js";

/*
 * A scorecard read takes each portfolio × indicator's cells as one JSON text (scorecard-read.ts, packedParts), on
 * SQLite and on PostgreSQL: every double must come back as the same double, and the cells the same as read row by
 * row; a value JSON cannot hold (infinite) falls back to the row-by-row read. Run by the SQLite and the PostgreSQL
 * test files against a seeded store.
 */
export async function packedReadMatchesRows(db: DataSource, manager: EntityManager): Promise<void> {
  const postgres = db.options.type === "postgres";
  const ph = (i: number) => (postgres ? `$${i}` : "?");
  const [cell] = await db.query(`SELECT "officeId", "portfolioId", "indicatorId", "periodId" FROM "scorecard_cell" WHERE "portfolioId" <> 0 AND "acceptedIn" > 0 ORDER BY "officeId", "portfolioId", "indicatorId", "periodId" LIMIT 1`);
  expect(cell).toBeDefined();
  const key = [cell.officeId, cell.portfolioId, cell.indicatorId, cell.periodId];
  const where = (from: number) => `"officeId" = ${ph(from)} AND "portfolioId" = ${ph(from + 1)} AND "indicatorId" = ${ph(from + 2)} AND "periodId" = ${ph(from + 3)}`;
  const awkward = { acceptedNumerator: 0.1 + 0.2, acceptedDenominator: 1 / 3, targetSum: 123456789.12345679, acceptedTargetSum: 5e-324, acceptedWeightedTarget: 1.7976931348623157e308, acceptedTargetWeight: 2 ** 53 + 2, submittedNumerator: -2 / 3, submittedDenominator: 1e-7 };
  const columns = Object.keys(awkward);
  await db.query(`UPDATE "scorecard_cell" SET ${columns.map((c, i) => `"${c}" = ${ph(i + 1)}`).join(", ")}, "submittedIn" = 1 WHERE ${where(columns.length + 1)}`, [...Object.values(awkward), ...key]);

  const both = async (scope: Parameters<typeof readScorecards>[1], options: Parameters<typeof readScorecards>[2] = {}) => {
    const packed = await readScorecards(manager, scope, options);
    expect(packed).toEqual(await readScorecards(manager, scope, { ...options, rowByRow: true }));
    return packed;
  };
  for (const includeSubmitted of [false, true]) {
    const packed = await both({ officeId: Number(cell.officeId), portfolioId: null, periodIds: null, includeSubmitted });
    expect(packed.scorecards.length).toBeGreaterThan(1);
    const row = packed.scorecards.find((s) => s.portfolioId === Number(cell.portfolioId))!.rows.find((r) => r.indicatorId === Number(cell.indicatorId))!;
    const read = row.cells.find((c) => c.periodId === Number(cell.periodId))!;
    expect(read.numerator).toBe(includeSubmitted ? awkward.acceptedNumerator + awkward.submittedNumerator : awkward.acceptedNumerator);
  }
  const one = { officeId: Number(cell.officeId), portfolioId: Number(cell.portfolioId), periodIds: [Number(cell.periodId)], includeSubmitted: false };
  await both(one, { rowsOfEveryQuarter: true });

  // A part JSON cannot hold: the packed text does not parse, and the read is the row-by-row one.
  await db.query(`UPDATE "scorecard_cell" SET "submittedTargetWeight" = ${postgres ? "'Infinity'::float8" : "9e999"} WHERE ${where(1)}`, key);
  const withInfinity = await both({ ...one, portfolioId: null, periodIds: null, includeSubmitted: true });
  expect(withInfinity.scorecards.length).toBeGreaterThan(1);
}
