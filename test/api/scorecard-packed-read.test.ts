import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readScorecards } from "../../server/modules/scorecards/scorecard-read.js";
import { startTestServer, type TestServer } from "./harness.js";

// On SQLite a scorecard read takes each portfolio × indicator's cells as one JSON text (scorecard-read.ts,
// packedParts): every double must come back as the same double, and the cells the same as read row by row.
describe("the packed read of maintained cells (SQLite)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test("awkward doubles read back exactly, and every cell equals the row-by-row read", async () => {
    const db = server.services.writer.dataSource;
    const [cell] = await db.query(`SELECT "officeId", "portfolioId", "indicatorId", "periodId" FROM "scorecard_cell" WHERE "portfolioId" <> 0 AND "acceptedIn" > 0 ORDER BY "officeId", "portfolioId", "indicatorId", "periodId" LIMIT 1`);
    expect(cell).toBeDefined();
    const awkward = { acceptedNumerator: 0.1 + 0.2, acceptedDenominator: 1 / 3, targetSum: 123456789.12345679, acceptedTargetSum: 5e-324, acceptedWeightedTarget: 1.7976931348623157e308, acceptedTargetWeight: 2 ** 53 + 2, submittedNumerator: -2 / 3, submittedDenominator: 1e-7 };
    const sets = Object.keys(awkward).map((c) => `"${c}" = ?`).join(", ");
    await db.query(`UPDATE "scorecard_cell" SET ${sets}, "submittedIn" = 1 WHERE "officeId" = ? AND "portfolioId" = ? AND "indicatorId" = ? AND "periodId" = ?`, [...Object.values(awkward), cell.officeId, cell.portfolioId, cell.indicatorId, cell.periodId]);

    const manager = server.services.db.manager;
    for (const includeSubmitted of [false, true]) {
      const scope = { officeId: Number(cell.officeId), portfolioId: null, periodIds: null, includeSubmitted };
      const packed = await readScorecards(manager, scope);
      const rows = await readScorecards(manager, scope, { rowByRow: true });
      expect(packed.scorecards.length).toBeGreaterThan(1);
      expect(packed).toEqual(rows);
      const row = packed.scorecards.find((s) => s.portfolioId === Number(cell.portfolioId))!.rows.find((r) => r.indicatorId === Number(cell.indicatorId))!;
      const read = row.cells.find((c) => c.periodId === Number(cell.periodId))!;
      expect(read.numerator).toBe(includeSubmitted ? awkward.acceptedNumerator + awkward.submittedNumerator : awkward.acceptedNumerator);
    }
    const one = { officeId: Number(cell.officeId), portfolioId: Number(cell.portfolioId), periodIds: [Number(cell.periodId)], includeSubmitted: false };
    expect(await readScorecards(manager, one, { rowsOfEveryQuarter: true })).toEqual(await readScorecards(manager, one, { rowsOfEveryQuarter: true, rowByRow: true }));
  });
});
