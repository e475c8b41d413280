import type { Attack } from "./red17-attack-case.js";
import { base, CREATE } from "./red17-contracts.case.js";
import { OFFICER } from "./red17-kit.js";

// ISO dates a JS/SQLite check takes but PostgreSQL's date type does not (year 0, beyond 5874897, etc.).
const DATES = ["0000-01-01", "0000-02-29", "-000001-01-01", "+275760-09-13", "9999-12-31"];
const CALLS: [string, string, (d: string) => Record<string, unknown>][] = [
  ["createContract startDate", CREATE, (d) => ({ i: { ...base(), startDate: d, endDate: null } })],
  ["createContract endDate", CREATE, (d) => ({ i: { ...base(), startDate: null, endDate: d } })],
  ["createContract plannedStartDate", CREATE, (d) => ({ i: { ...base(), plannedStartDate: d } })],
  ["createContract reviewStartDate", CREATE, (d) => ({ i: { ...base(), reviewStartDate: d } })],
  ["updateContract endDate", `mutation($d:String){ updateContract(id: 2, version: 1, input: { endDate: $d }) { id } }`, (d) => ({ d })],
  ["openReportingPeriod dueDate", `mutation($d:String){ openReportingPeriod(quarter: "2025-26 Q3", dueDate: $d) { id } }`, (d) => ({ d })],
  ["recordDecision decidedOn", `mutation($d:String!){ recordDecision(input: { kind: AWARD, title: "Red", rationale: "Because", decidedOn: $d, evidenceReturnIds: [5] }) { id } }`, (d) => ({ d })],
  ["approveBrief startDate", `mutation($d:String){ approveBrief(id: 5, version: 1, contract: { mechanism: GRANT, providerId: 20, reference: "RED17-B", startDate: $d }) { id } }`, (d) => ({ d })],
  ["query contractsEndingWithoutPlan asOf", `query($d:String){ contractsEndingWithoutPlan(asOf: $d) { id } }`, (d) => ({ d })],
  ["query endsWithoutPlan asOf", `query($d:String){ contract(id: 1) { endsWithoutPlan(asOf: $d) } }`, (d) => ({ d })],
];

/** Every date argument with every date: a coded refusal or a success, never INTERNAL_SERVER_ERROR; a refusal writes nothing. */
export async function dateAttacks(): Promise<Attack[]> {
  return CALLS.flatMap(([name, query, vars]) => DATES.map((d) => ({ name: `${name} "${d}"`, as: OFFICER, query, vars: vars(d) })));
}
