/* Guarantee 6: review windows as dates, contracts ending without a plan, reporting schedules followed everywhere. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UPDATE, WILTS, gql, start, type Server } from "./audit-support.js";

let t: Server;
let periods: any[];
beforeAll(async () => {
  t = await start();
  periods = (await gql(t, WILTS, `{ reportingPeriods{ id label state dueDate } }`)).data.reportingPeriods;
}, 60_000);
afterAll(async () => t?.close());
const pid = (label: string) => periods.find((p) => p.label === label).id;

describe("re-procurement pipeline", () => {
  it("Horizon's 'March to May 2023' is dated; DUE inside it, OVERDUE after it", async () => {
    const p = (await gql(t, WILTS, `{ reprocurementPipeline{ reference reviewWindow reviewStartDate reviewEndDate a:reprocurementDue(asOf:"2023-04-15") b:reprocurementDue(asOf:"2023-07-15") } }`)).data.reprocurementPipeline;
    expect(p.find((x: any) => x.reviewWindow === "March to May 2023")).toMatchObject({ reviewStartDate: "2023-03-01", reviewEndDate: "2023-05-31", a: "DUE", b: "OVERDUE" });
  });

  it("an officer rewrites only the window's text: its dates follow the new text, and the contract is no longer 'without plan'", async () => {
    const list = (await gql(t, WILTS, `{ contractsEndingWithoutPlan(asOf:"2024-03-31"){ id reference version endDate } }`)).data.contractsEndingWithoutPlan;
    const c = list.find((x: any) => x.endDate === "2025-03-31");
    expect(c, "a contract ending 2025-03-31 flagged as at 2024-03-31").toBeTruthy();
    const u = await gql(t, WILTS, UPDATE, { id: c.id, v: c.version, i: { reviewWindow: "September to November 2024" } });
    expect(u.errors).toBeUndefined();
    const after = (await gql(t, WILTS, `query($id:Int!){ contract(id:$id){ version reviewStartDate reviewEndDate d:reprocurementDue(asOf:"2024-12-15") endsWithoutPlan(asOf:"2024-03-31") } }`, { id: c.id })).data.contract;
    expect(after).toMatchObject({ reviewStartDate: "2024-09-01", reviewEndDate: "2024-11-30" });
    // a LIVE contract past its window reads DONE (status LIVE) or OVERDUE; either is a date-based answer
    expect(["OVERDUE", "DONE"]).toContain(after.d);
    expect(after.endsWithoutPlan).toBeFalsy();
    const list2 = (await gql(t, WILTS, `{ contractsEndingWithoutPlan(asOf:"2024-03-31"){ id } }`)).data.contractsEndingWithoutPlan;
    expect(list2.map((x: any) => x.id)).not.toContain(c.id);
    // and rewriting it again moves the dates again (no stale dates kept)
    const u2 = await gql(t, WILTS, UPDATE, { id: c.id, v: after.version, i: { reviewWindow: "January to February 2025" } });
    expect(u2.errors).toBeUndefined();
    const again = (await gql(t, WILTS, `query($id:Int!){ contract(id:$id){ reviewStartDate reviewEndDate } }`, { id: c.id })).data.contract;
    expect(again).toEqual({ reviewStartDate: "2025-01-01", reviewEndDate: "2025-02-28" });
  });

  it("a contract that has not started yet is not 'running' and is not flagged as ending without a plan", async () => {
    const list = (await gql(t, WILTS, `{ contractsEndingWithoutPlan(asOf:"2024-03-31"){ reference startDate endDate } }`)).data.contractsEndingWithoutPlan;
    const notStarted = list.filter((x: any) => x.startDate && x.startDate > "2024-03-31");
    expect(notStarted).toEqual([]);
  });
});

describe("reporting schedules", () => {
  const SC = `query($p:[Int!]){ scorecards(periodIds:$p){ portfolio{id} rows{ indicator{ id } cells{ periodId returnsDue returnsIn } } } }`;
  it("switching a contract to YEARLY: nothing due or missing in 2024-25 Q1, everywhere (returnDue, returnsDueIn, completeness, scorecards)", async () => {
    const q1 = pid("2024-25 Q1");
    const cs = (await gql(t, WILTS, `query($p:Int!){ contracts(first:100){ items{ id version status reportingSchedule portfolio{ id } kpis{ indicator{ id } } due:returnDue(periodId:$p) returnsDueIn } } }`, { p: q1 })).data.contracts.items;
    const c = cs.find((x: any) => x.due && x.reportingSchedule === "QUARTERLY" && x.kpis.length > 0);
    expect(c, "a quarterly contract owing a return in 2024-25 Q1").toBeTruthy();
    const before = (await gql(t, WILTS, `query($p:Int!){ returnCompleteness(periodId:$p){ portfolioId due missing } }`, { p: q1 })).data.returnCompleteness;
    const scBefore = (await gql(t, WILTS, SC, { p: [q1] })).data.scorecards;
    const s = await gql(t, WILTS, `mutation($id:Int!,$v:Int!){ setReportingSchedule(id:$id, version:$v, schedule:YEARLY){ id reportingSchedule } }`, { id: c.id, v: c.version });
    expect(s.errors).toBeUndefined();
    const after = (await gql(t, WILTS, `query($id:Int!,$p:Int!){ contract(id:$id){ due:returnDue(periodId:$p) returnsDueIn } }`, { id: c.id, p: q1 })).data.contract;
    expect(after.due).toBe(false);
    expect(after.returnsDueIn).not.toContain(q1);
    const comp = (await gql(t, WILTS, `query($p:Int!){ returnCompleteness(periodId:$p){ portfolioId due missing } }`, { p: q1 })).data.returnCompleteness;
    const office = (x: any[]) => x.find((r: any) => r.portfolioId === null);
    expect(office(comp).due).toBe(office(before).due - 1);
    expect(office(comp).missing).toBeLessThanOrEqual(office(before).missing);
    const scAfter = (await gql(t, WILTS, SC, { p: [q1] })).data.scorecards;
    const ind = c.kpis[0].indicator.id;
    const dueOf = (sc: any[]) => sc.find((x: any) => x.portfolio?.id === c.portfolio.id)?.rows.find((r: any) => r.indicator.id === ind)?.cells.find((x: any) => x.periodId === q1)?.returnsDue ?? 0;
    expect(dueOf(scAfter)).toBe(dueOf(scBefore) - 1);
  });
});
