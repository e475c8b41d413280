import { OFFICER, ADMIN, PA, type TestServer } from "./red17-kit.js";
import type { Attack } from "./red17-attack-case.js";

const NUL = "a\u0000b";
const MAXI = 2147483647;
let n = 0;
const ref = () => `RED17-C-${++n}`;

export const base = () => ({ reference: ref(), title: "Red team contract", portfolioId: 2, providerId: 20, mechanism: "CONTRACTED_SERVICE", status: "LIVE", stage: "DO", startDate: "2024-04-01", endDate: "2026-03-31", annualValuePence: 100_000 });
const line = (o: Record<string, unknown> = {}) => ({ streamId: 3, year: "2024-25", amountPence: 1000, status: "PLANNED", ...o });
const spend = (o: Record<string, unknown> = {}) => ({ year: "2024-25", quarter: 1, amountPence: 500, ...o });
const co = (o: Record<string, unknown> = {}) => ({ partnerName: "Council", annualContributionPence: 100, ...o });

export const CREATE = `mutation($i:ContractInput!){ createContract(input:$i){ id version fundingLines { amountPence } } }`;
export const UPDATE = `mutation($id:Int!,$v:Int!,$i:ContractInput!){ updateContract(id:$id, version:$v, input:$i){ id version } }`;

export async function contractAttacks(s: TestServer): Promise<Attack[]> {
  const A: Attack[] = [];
  const ok = await s.http(OFFICER, CREATE, { i: { ...base(), fundingLines: [line()], spend: [spend()], coCommissioners: [co()] } });
  if (ok.errors) throw new Error(`baseline createContract failed: ${JSON.stringify(ok.errors)}`);
  const bad: [string, Record<string, unknown>, (string | true)?][] = [
    ["line amount -1", { fundingLines: [line({ amountPence: -1 })] }, "BAD_USER_INPUT"],
    ["line amount 2^31", { fundingLines: [line({ amountPence: 2147483648 })] }, "BAD_USER_INPUT"],
    ["line amount MAX_SAFE", { fundingLines: [line({ amountPence: 9007199254740991 })] }, "BAD_USER_INPUT"],
    ["line amount 1e400", { fundingLines: [line({ amountPence: "1e400" })] }, "BAD_USER_INPUT"],
    ["line amount 1.5", { fundingLines: [line({ amountPence: 1.5 })] }, "BAD_USER_INPUT"],
    ["line year bad", { fundingLines: [line({ year: "2024-26" })] }, "BAD_USER_INPUT"],
    ["line year 9999-00", { fundingLines: [line({ year: "9999-00" })] }, true],
    ["line year NUL", { fundingLines: [line({ year: "2024-25\u0000" })] }, "BAD_USER_INPUT"],
    ["line stream -1", { fundingLines: [line({ streamId: -1 })] }, true],
    ["line stream MAXI", { fundingLines: [line({ streamId: MAXI })] }, true],
    ["line stream other office", { fundingLines: [line({ streamId: 12 })] }, true],
    ["line status null", { fundingLines: [line({ status: null })] }, "BAD_USER_INPUT"],
    ["2nd line bad", { fundingLines: [line(), line({ amountPence: -5 })] }, "BAD_USER_INPUT"],
    ["two MAXI lines same stream/year (sum overflows int32)", { fundingLines: [line({ amountPence: MAXI }), line({ amountPence: MAXI })], overCommitmentReason: "red team" }, undefined],
    ["spend quarter 0", { spend: [spend({ quarter: 0 })] }, "BAD_USER_INPUT"],
    ["spend quarter 5", { spend: [spend({ quarter: 5 })] }, "BAD_USER_INPUT"],
    ["spend quarter MAXI", { spend: [spend({ quarter: MAXI })] }, "BAD_USER_INPUT"],
    ["spend quarter -MAXI", { spend: [spend({ quarter: -2147483648 })] }, "BAD_USER_INPUT"],
    ["spend amount -1", { spend: [spend({ amountPence: -1 })] }, "BAD_USER_INPUT"],
    ["spend amount 2^31", { spend: [spend({ amountPence: 2147483648 })] }, "BAD_USER_INPUT"],
    ["spend year junk", { spend: [spend({ year: "2024" })] }, "BAD_USER_INPUT"],
    ["spend duplicate quarter", { spend: [spend(), spend()] }, true],
    ["co name null", { coCommissioners: [co({ partnerName: null })] }, "BAD_USER_INPUT"],
    ["co name empty", { coCommissioners: [co({ partnerName: "" })] }, "BAD_USER_INPUT"],
    ["co name NUL", { coCommissioners: [co({ partnerName: NUL })] }, "BAD_USER_INPUT"],
    ["co name lone surrogate", { coCommissioners: [co({ partnerName: "\ud83d" })] }, "BAD_USER_INPUT"],
    ["co contribution -1", { coCommissioners: [co({ annualContributionPence: -1 })] }, "BAD_USER_INPUT"],
    ["co contribution 2^31", { coCommissioners: [co({ annualContributionPence: 2147483648 })] }, "BAD_USER_INPUT"],
    ["annualValue 2^31", { annualValuePence: 2147483648 }, "BAD_USER_INPUT"],
    ["annualValue -1", { annualValuePence: -1 }, "BAD_USER_INPUT"],
    ["potentialValue 2^31", { potentialValuePence: 2147483648 }, "BAD_USER_INPUT"],
    ["potentialValue -1 and annual -1", { potentialValuePence: -1, annualValuePence: -1 }, "BAD_USER_INPUT"],
    ["end before start", { startDate: "2025-04-01", endDate: "2024-03-31" }, "BAD_USER_INPUT"],
    ["startDate Feb 30", { startDate: "2024-02-30" }, "BAD_USER_INPUT"],
    ["startDate 13th month", { startDate: "2024-13-01" }, "BAD_USER_INPUT"],
    ["startDate year 0", { startDate: "0000-01-01" }, undefined],
    ["startDate 99999", { startDate: "99999-01-01" }, "BAD_USER_INPUT"],
    ["startDate with time", { startDate: "2024-04-01T00:00:00Z" }, true],
    ["startDate NUL", { startDate: "2024-04-01\u0000" }, "BAD_USER_INPUT"],
    ["review end before start", { reviewStartDate: "2025-06-01", reviewEndDate: "2025-01-01" }, undefined],
    ["review window garbage", { reviewWindow: "Smarch to Octember 20233" }, undefined],
    ["plannedStartDate junk", { plannedStartDate: "soon" }, "BAD_USER_INPUT"],
    ["mainPriority MAXI", { mainPriorityId: MAXI }, true],
    ["mainPriority other office", { mainPriorityId: 15 }, undefined],
    ["otherPriorities dup", { otherPriorityIds: [23, 23] }, undefined],
    ["otherPriorities MAXI", { otherPriorityIds: [MAXI] }, true],
    ["portfolio MAXI", { portfolioId: MAXI }, true],
    ["portfolio other office", { portfolioId: 5 }, true],
    ["provider MAXI", { providerId: MAXI }, true],
    ["duplicate reference", { reference: "WSW-VV-01" }, true],
    ["reference null", { reference: null }, true],
    ["title null", { title: null }, true],
    ["status DECOMMISSIONED", { status: "DECOMMISSIONED" }, "BAD_USER_INPUT"],
    ["NUL title + bad amount", { title: NUL, annualValuePence: -1 }, "BAD_USER_INPUT"],
    ["300 funding lines one bad at end", { fundingLines: [...Array.from({ length: 299 }, () => line({ amountPence: 1 })), line({ amountPence: -1 })] }, "BAD_USER_INPUT"],
  ];
  for (const [name, over, refuse] of bad) A.push({ name: `createContract ${name}`, as: OFFICER, query: CREATE, vars: { i: { ...base(), ...over } }, refuse });
  A.push({ name: "createContract as provider", as: PA, query: CREATE, vars: { i: base() }, refuse: "FORBIDDEN" });
  A.push({ name: "createContract admin, portfolio nothing", as: ADMIN, query: CREATE, vars: { i: { ...base(), portfolioId: 999999 } }, refuse: true });
  // updateContract on the contract just created, with nested bad lists
  const id = (ok.data as { createContract: { id: number; version: number } }).createContract.id;
  const v = (ok.data as { createContract: { id: number; version: number } }).createContract.version;
  for (const [name, over, refuse] of bad.filter(([nm]) => !/duplicate reference|reference null|title null|two MAXI|review|year 0|priorit|startDate with time/.test(nm)))
    A.push({ name: `updateContract ${name}`, as: OFFICER, query: UPDATE, vars: { id, v, i: over }, refuse });
  A.push({ name: "updateContract stale", as: OFFICER, query: UPDATE, vars: { id, v: v + 5, i: { title: "Valid title" } }, refuse: "CONFLICT" });
  A.push({ name: "updateContract version -1", as: OFFICER, query: UPDATE, vars: { id, v: -1, i: { title: "x" } }, refuse: true });
  A.push({ name: "updateContract id MAXI", as: OFFICER, query: UPDATE, vars: { id: MAXI, v: 1, i: { title: "Valid title" } }, refuse: "NOT_FOUND" });
  A.push({ name: "updateContract fundingLines null", as: OFFICER, query: UPDATE, vars: { id, v, i: { fundingLines: null } }, refuse: true });
  A.push({ name: "updateContract spend null", as: OFFICER, query: UPDATE, vars: { id, v, i: { spend: null } }, refuse: true });
  A.push({ name: "updateContract coCommissioners null", as: OFFICER, query: UPDATE, vars: { id, v, i: { coCommissioners: null } }, refuse: true });
  A.push({ name: "updateContract mechanism null", as: OFFICER, query: UPDATE, vars: { id, v, i: { mechanism: null } }, refuse: true });
  A.push({ name: "updateContract status null", as: OFFICER, query: UPDATE, vars: { id, v, i: { status: null } }, refuse: true });
  A.push({ name: "updateContract portfolio null", as: OFFICER, query: UPDATE, vars: { id, v, i: { portfolioId: null } }, refuse: true });
  A.push({ name: "updateContract provider null", as: OFFICER, query: UPDATE, vars: { id, v, i: { providerId: null } }, refuse: true });
  // frozen-year line on a contract (2022-23) with no reason
  A.push({ name: "updateContract line in frozen year without reason", as: OFFICER, query: UPDATE, vars: { id: 1, v: 1, i: { fundingLines: [line({ year: "2022-23" })] } }, refuse: true });
  return A;
}
