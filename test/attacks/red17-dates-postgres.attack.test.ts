import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";
import { OFFICER, ADMIN, verdict, diff, snapshot, type TestServer } from "./red17-kit.js";
import { base, CREATE } from "./red17-contracts.case.js";

// red17 (an outside attack on bad input, 2026-12-03) on a scratch PostgreSQL database; DATABASE_URL must be set
// before the entity modules load, hence the dynamic import of the harness.
const unreachable = await postgresUnreachable();
describe.skipIf(skipWithoutPostgres(unreachable, "red17 PostgreSQL dates"))("red17 PostgreSQL dates", () => {
  // ISO dates a JS/SQLite check takes but PostgreSQL's date type does not (year 0, beyond 5874897, etc.).
  let s: TestServer; let db: ScratchDatabase; let restore: () => void;
  beforeAll(async () => {
    db = await scratchDatabase("hub_red17_dates");
    restore = useDatabaseUrl(db.url);
    const h = await import("../api/harness.js");
    s = await h.startTestServer({ env: { DATABASE_URL: db.url } });
  });
  afterAll(async () => { await s?.close(); await db?.drop(); restore?.(); });

  const DATES = ["0000-01-01", "0000-02-29", "-000001-01-01", "+275760-09-13", "9999-12-31"];
  test("date arguments on PostgreSQL: coded refusal or success, never INTERNAL_SERVER_ERROR", async () => {
    const problems: string[] = [];
    const calls: [string, string, string, (d: string) => Record<string, unknown>][] = [
      ["createContract startDate", OFFICER, CREATE, (d) => ({ i: { ...base(), startDate: d, endDate: null } })],
      ["createContract endDate", OFFICER, CREATE, (d) => ({ i: { ...base(), startDate: null, endDate: d } })],
      ["createContract plannedStartDate", OFFICER, CREATE, (d) => ({ i: { ...base(), plannedStartDate: d } })],
      ["createContract reviewStartDate", OFFICER, CREATE, (d) => ({ i: { ...base(), reviewStartDate: d } })],
      ["updateContract endDate", OFFICER, `mutation($d:String){ updateContract(id: 2, version: 1, input: { endDate: $d }) { id } }`, (d) => ({ d })],
      ["openReportingPeriod dueDate", OFFICER, `mutation($d:String){ openReportingPeriod(quarter: "2025-26 Q3", dueDate: $d) { id } }`, (d) => ({ d })],
      ["recordDecision decidedOn", OFFICER, `mutation($d:String!){ recordDecision(input: { kind: AWARD, title: "Red", rationale: "Because", decidedOn: $d, evidenceReturnIds: [5] }) { id } }`, (d) => ({ d })],
      ["approveBrief startDate", OFFICER, `mutation($d:String){ approveBrief(id: 5, version: 1, contract: { mechanism: GRANT, providerId: 20, reference: "RED17-B", startDate: $d }) { id } }`, (d) => ({ d })],
      ["query contractsEndingWithoutPlan asOf", OFFICER, `query($d:String){ contractsEndingWithoutPlan(asOf: $d) { id } }`, (d) => ({ d })],
      ["query endsWithoutPlan asOf", OFFICER, `query($d:String){ contract(id: 1) { endsWithoutPlan(asOf: $d) } }`, (d) => ({ d })],
    ];
    for (const [name, as, q, vars] of calls) for (const d of DATES) {
      const before = await snapshot(s);
      const r = await s.http(as, q, vars(d));
      const v = verdict(r);
      if (v !== "ok") { problems.push(`${name} "${d}": ${v}`); }
      if (r.errors?.length) { const df = diff(before, await snapshot(s)); if (df.length) problems.push(`${name} "${d}" refused but wrote ${df}`); }
    }
    void ADMIN;
    for (const p of problems) console.log(`DEFECT [dates PG] ${p}`);
    expect(problems).toEqual([]);
  });
});
