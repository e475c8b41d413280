import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";
import { OFFICER, verdict, type TestServer } from "./red17-kit.js";
import { attackSuite } from "./red17-attack-case.js";
import { workflowAttacks } from "./red17-workflow.case.js";
import { contractAttacks, CREATE, base } from "./red17-contracts.case.js";
import { csvAttacks, UP } from "./red17-csv.case.js";

// red17 (an outside attack on bad input, 2026-12-03) on a scratch PostgreSQL database; DATABASE_URL must be set
// before the entity modules load, hence the dynamic import of the harness.
const unreachable = await postgresUnreachable();
describe.skipIf(skipWithoutPostgres(unreachable, "red17 PostgreSQL attacks"))("red17 PostgreSQL attacks", () => {
  let s: TestServer;
  let db: ScratchDatabase;
  let restore: () => void;
  beforeAll(async () => {
    db = await scratchDatabase("hub_red17");
    restore = useDatabaseUrl(db.url);
    const h = await import("../api/harness.js");
    s = await h.startTestServer({ env: { DATABASE_URL: db.url } });
  });
  afterAll(async () => { await s?.close(); await db?.drop(); restore?.(); });

  attackSuite(workflowAttacks, () => s, "workflow PostgreSQL");
  attackSuite(contractAttacks, () => s, "contracts PostgreSQL");
  attackSuite(csvAttacks, () => s, "csv PostgreSQL");

  test("PostgreSQL: values valid alone, then read back", async () => {
    const problems: string[] = [];
    const check = (n: string, r: Parameters<typeof verdict>[0]) => { const v = verdict(r); if (v !== "ok") problems.push(`${n}: ${v}`); };
    const line = { streamId: 3, year: "2025-26", amountPence: 2147483647, status: "COMMITTED" };
    const c = await s.http(OFFICER, CREATE, { i: { ...base(), fundingLines: [line, line], spend: [1, 2, 3, 4].map((quarter) => ({ year: "2025-26", quarter, amountPence: 2147483647 })), overCommitmentReason: "red team" } });
    check("create MAXI x2 lines + 4 MAXI spend", c);
    const id = (c.data as { createContract?: { id: number } } | undefined)?.createContract?.id ?? 1;
    for (const [n, q] of [
      ["moneySummary", `{ moneySummary(year: "2025-26") { totalPence committedPence spentPence streams { committedPence overCommittedPence remainingPence spentPence } portfolios { committedPence } } }`],
      ["fundingPence", `{ contract(id: ${id}) { fundingPence(year: "2025-26") } }`],
      ["contracts list", `{ contracts(first: 200) { items { id fundingPence(year: "2025-26") } } }`],
      ["pipeline", `{ reprocurementPipeline { id } contractsEndingWithoutPlan(asOf: "2026-01-01") { id } }`],
    ] as const) { const r = await s.http(OFFICER, q); check(n, r); }
    const c0 = await s.http(OFFICER, CREATE, { i: { ...base(), startDate: "0000-01-01" } });
    check("startDate 0000-01-01", c0);
    const c1 = await s.http(OFFICER, CREATE, { i: { ...base(), startDate: "0001-01-01", endDate: "9999-12-31", reviewStartDate: "0000-02-29" } });
    check("dates 0001/9999/0000-02-29", c1);
    for (const v of ["2147483648", "1e20", "1e308", "-1e308"]) {
      const r = await s.http(OFFICER, UP, { csv: `contract_reference,measure_code,value\nWSW-VV-08,REFERRALS,${v}`, k: `pg-big-${v}-key`, p: 5 });
      check(`csv value ${v}`, r);
      const back = await s.http(OFFICER, `{ performanceReturn(id: 25) { values { value } } validateReturn(id: 25) { valid } }`);
      check(`read back ${v}`, back);
    }
    for (const p of problems) console.log(`DEFECT [pg follow-up] ${p}`);
    expect(problems).toEqual([]);
  });
});
