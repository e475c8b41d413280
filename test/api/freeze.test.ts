import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
let server: TestServer;
let closed: ReportingPeriod;
let open: ReportingPeriod;

const FROZEN = "{ frozenQuarters { period { id label state } frozenBy { name } scorecards { portfolioId rows { indicatorId cells { actual returnsIn } } } money { year totalPence } restatements { portfolioId indicatorId frozenActual currentActual frozenReturnsIn currentReturnsIn } } }";

beforeAll(async () => {
  server = await startTestServer();
  const m = server.services.db.manager;
  const wiltshire = await m.findOneByOrFail(Office, { code: "wiltshire" });
  closed = await m.findOneByOrFail(ReportingPeriod, { officeId: wiltshire.id, state: PeriodState.CLOSED, year: "2023-24", quarter: 1 });
  open = await m.findOneByOrFail(ReportingPeriod, { officeId: wiltshire.id, state: PeriodState.OPEN });
});
afterAll(async () => server?.close());

describe("quarter freeze for the Panel", () => {
  it("refuses to freeze an open quarter and lets analysts do nothing", async () => {
    expect(codes(await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { frozenAt } }", { id: open.id, v: open.version }))).toEqual(["CONFLICT"]);
    expect(codes(await server.run(ANALYST, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { frozenAt } }", { id: closed.id, v: closed.version }))).toEqual(["FORBIDDEN"]);
  });

  it("keeps the frozen figures and shows a later correction as a restatement, never a silent change", async () => {
    const frozen = await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { period { state } restatements { indicatorId } money { totalPence } } }", { id: closed.id, v: closed.version });
    expect(frozen.errors).toBeUndefined();
    expect(frozen.data!.freezePeriod.period.state).toBe("FROZEN");
    expect(frozen.data!.freezePeriod.restatements).toEqual([]);

    const seen = await server.run<any>(ANALYST, FROZEN);
    expect(seen.errors).toBeUndefined();
    const quarter = seen.data!.frozenQuarters[0];
    expect(quarter.period.id).toBe(closed.id);
    expect(quarter.frozenBy.name).toBeTruthy();
    const before = JSON.stringify(quarter.scorecards);

    // A correction after the freeze: an accepted return is reopened.
    const ret = await server.services.db.manager
      .createQueryBuilder(PerformanceReturn, "r")
      .innerJoin(Contract, "c", "c.id = r.contractId")
      .where("r.periodId = :p AND r.state = :s", { p: closed.id, s: ReturnState.ACCEPTED })
      .getOneOrFail();
    const reopened = await server.run(OFFICER, 'mutation($id: Int!, $v: Int!) { reopenReturn(id: $id, version: $v, reason: "Figures corrected by the provider after audit") { state } }', { id: ret.id, v: ret.version });
    expect(reopened.errors).toBeUndefined();

    const after = (await server.run<any>(ANALYST, FROZEN)).data!.frozenQuarters[0];
    expect(JSON.stringify(after.scorecards)).toBe(before);
    expect(after.restatements.length).toBeGreaterThan(0);
    for (const r of after.restatements) expect(r.currentReturnsIn).toBe(r.frozenReturnsIn - 1);
  });
});
