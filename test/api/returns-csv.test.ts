import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { Contract, ContractStatus, LifecycleStage, Mechanism } from "../../server/modules/contracts/contract.entities.js";
import { ContractKpi, Direction, Indicator, IndicatorMeasure, Measure, MeasureRole, MeasureUnit } from "../../server/modules/kpis/kpi.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { Provider } from "../../server/modules/providers/provider.entity.js";
import { CSV_MAX_ROWS, parseReturnsCsv } from "../../server/modules/returns/return-csv.service.js";
import { loadForms } from "../../server/modules/returns/return-form.js";
import { PerformanceReturn, ReturnRevision, ReturnState, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { loadForm } from "../../server/modules/returns/return.service.js";
import type { ReturnForm } from "../../server/modules/returns/return.rules.js";
import { codes, startTestServer, type TestServer } from "./harness.js";
import { collect, wsClient } from "./ws-client.js";

/*
 * Bulk upload of returns by CSV, in-process against the real schema and a temporary SQLite database with the demo
 * seed, plus one 10,000-row upload over real HTTP followed by a real graphql-ws subscriber.
 */

const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";
const PROVIDER_A = "provider-a@demo.example"; // Victim Support: Wiltshire WSW-VV-03
const PROVIDER_B = "provider-b@demo.example"; // Harbour: Wiltshire WSW-VV-08, WSW-VV-09

const UPLOAD = `mutation($periodId: Int!, $csv: String!, $submit: Boolean, $key: String!, $importId: String) {
  uploadReturnsCsv(periodId: $periodId, csv: $csv, submit: $submit, idempotencyKey: $key, importId: $importId) {
    importId periodId totalRows returnsCreated returnsUpdated returnsSubmitted replayed
    returns { id state version revisionCount contract { reference } values { value comment measure { code } } }
  }
}`;
const PROGRESS = "subscription($importId: String!) { csvImportProgress(importId: $importId) { importId phase processedRows totalRows } }";

interface Problem {
  field: string;
  rule: string;
  message: string;
  row: number | null;
  column: string | null;
}

let server: TestServer;
const ids = { wiltshire: 0, q3: 0, open: 0, fresh: 0 };
let keySeq = 0;
const newKey = () => `csv-test-${Date.now()}-${++keySeq}`;
const m = () => server.services.db.manager;

beforeAll(async () => {
  server = await startTestServer();
  ids.wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
  const period = async (year: string, quarter: number) => (await m().findOneByOrFail(ReportingPeriod, { officeId: ids.wiltshire, year, quarter })).id;
  ids.q3 = await period("2023-24", 3); // CLOSED
  ids.open = await period("2024-25", 1); // the demo's open quarter; WSW-VV-09's return is SUBMITTED, WSW-VV-01's ACCEPTED
  // A quarter with no returns yet, opened here: the previous quarter's WSW-VV-01 return is ACCEPTED.
  const opened = await server.run<any>(OFFICER, "mutation { openReportingPeriod(quarter: \"2024-25 Q2\", dueDate: \"2099-01-31\") { id } }");
  expect(opened.errors).toBeUndefined();
  ids.fresh = opened.data.openReportingPeriod.id;
});
afterAll(async () => server?.close());

function upload(as: string, periodId: number, csv: string, options: { submit?: boolean; key?: string; importId?: string } = {}) {
  return server.run<any>(as, UPLOAD, { periodId, csv, submit: options.submit ?? false, key: options.key ?? newKey(), importId: options.importId });
}

async function ok(as: string, periodId: number, csv: string, options: { submit?: boolean; key?: string } = {}) {
  const result = await upload(as, periodId, csv, options);
  expect(result.errors).toBeUndefined();
  return result.data!.uploadReturnsCsv;
}

function problemsOf(result: { errors?: readonly unknown[] }): Problem[] {
  expect(codes(result as never)).toEqual(["BAD_USER_INPUT"]);
  return (result.errors![0] as { extensions: { problems: Problem[] } }).extensions.problems;
}

const brief = (problems: Problem[]) => problems.map(({ field, rule, row, column }) => ({ field, rule, row, column }));

const TABLES = ["performance_return", "return_value", "return_revision", "audit_event", "domain_event", "idempotency_record"] as const;
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = Number((await server.services.db.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return counts;
}

/** Runs an upload that must fail, checks that it changed nothing, and returns its problems. */
async function refused(as: string, periodId: number, csv: string, options: { submit?: boolean } = {}): Promise<Problem[]> {
  const before = await rowCounts();
  const result = await upload(as, periodId, csv, options);
  const problems = problemsOf(result);
  expect(await rowCounts()).toEqual(before);
  return problems;
}

async function returnOf(reference: string, periodId: number) {
  const contract = await m().findOneByOrFail(Contract, { officeId: ids.wiltshire, reference });
  const ret = await m().findOneBy(PerformanceReturn, { contractId: contract.id, periodId });
  const values = ret ? await m().find(ReturnValue, { where: { returnId: ret.id }, relations: { measure: true } }) : [];
  return { ret, values: Object.fromEntries(values.map((v) => [v.measure!.code, { value: v.value, comment: v.comment }])) };
}

describe("parsing", () => {
  it("numbers rows as a spreadsheet does, takes the header in any case and keeps blank lines out", () => {
    const parsed = parseReturnsCsv('\uFEFFContract_Reference,MEASURE_CODE,Value\r\nWSW-VV-08,REFERRALS,12\r\n\r\n" WSW-VV-08 ",CASES_CLOSED,\r\n');
    expect(parsed.hasComment).toBe(false);
    expect(parsed.rows).toEqual([
      { row: 2, reference: "WSW-VV-08", measureCode: "REFERRALS", value: "12", comment: undefined },
      { row: 4, reference: "WSW-VV-08", measureCode: "CASES_CLOSED", value: "", comment: undefined },
    ]);
  });

  it("rejects a wrong header, an empty file and a file over the row limit", () => {
    const problemsFor = (csv: string) => {
      try {
        parseReturnsCsv(csv);
      } catch (error) {
        return ((error as { extensions: { problems: Problem[] } }).extensions.problems ?? []).map((p) => [p.field, p.rule]);
      }
      throw new Error("accepted");
    };
    expect(problemsFor("contract,measure_code,value,notes\nA,B,1\n")).toEqual([["row 1", "unknownColumn"], ["row 1", "unknownColumn"], ["row 1, contract_reference", "missingColumn"]]);
    expect(problemsFor("")).toEqual([["csv", "empty"]]);
    expect(problemsFor("contract_reference,measure_code,value\n")).toEqual([["csv", "empty"]]);
    expect(problemsFor('contract_reference,measure_code,value\nA,"B,1\n')).toEqual([["row 2", "csvSyntax"]]);
    expect(problemsFor(`contract_reference,measure_code,value\n${"A,B,1\n".repeat(CSV_MAX_ROWS + 1)}`)).toEqual([["csv", "maxRows"]]);
    expect(problemsFor(`contract_reference,measure_code,value,comment\n${`A,B,1,${"x".repeat(1000)}\n`.repeat(10_500)}`)).toEqual([["csv", "maxSize"]]);
  });

  it("loads many contracts' forms in one batch exactly as it loads each alone", async () => {
    const contracts = await m().find(Contract, { order: { id: "ASC" } });
    const forms = await loadForms(m(), contracts.map((c) => c.id));
    for (const contract of contracts) {
      const one = await loadForm(m(), contract.id);
      const sorted = (form: typeof one) => ({ measures: form.measures, ratios: [...form.ratios].sort((a, b) => a.indicatorCode.localeCompare(b.indicatorCode)).map((r) => ({ ...r, numerator: [...r.numerator].sort(), denominator: [...r.denominator].sort() })) });
      expect(sorted(forms.get(contract.id)!)).toEqual(sorted(one));
    }
  });
});

/** A return as the store holds it, shaped as its audit rows record it (the row, its values in measure order). */
async function storedState(returnId: number) {
  const ret = await m().findOneByOrFail(PerformanceReturn, { id: returnId });
  const values = await m().find(ReturnValue, { where: { returnId }, order: { measureId: "ASC" } });
  return JSON.parse(JSON.stringify({ ...ret, values }));
}

async function lastAudit(action: string, returnId: number) {
  return (await m().find(AuditEvent, { where: { action, entityType: "Return", entityId: returnId }, order: { id: "DESC" }, take: 1 }))[0];
}

describe("a valid file", () => {
  it("saves drafts: creates each return, sets every value, audits and announces the new returns", async () => {
    const before = await rowCounts();
    const csv = [
      "Contract_Reference,MEASURE_CODE,Value,Comment",
      "WSW-VV-08,REFERRALS,120,",
      "WSW-VV-08,CASES_CLOSED,40,",
      "WSW-VV-08,CASES_CLOSED_IMPROVED,,", // empty: allowed in a draft
      "WSW-VV-09,REFERRALS,300,Busy quarter",
      "wsw-vv-09,referrals_contacted_2d,280,", // references and codes are matched in any case
    ].join("\n");
    const result = await ok(PROVIDER_B, ids.fresh, csv);
    expect(result).toMatchObject({ periodId: ids.fresh, totalRows: 5, returnsCreated: 2, returnsUpdated: 0, returnsSubmitted: 0, replayed: false });
    expect(result.returns.map((r: any) => [r.contract.reference, r.state, r.values.length])).toEqual([["WSW-VV-08", "DRAFT", 3], ["WSW-VV-09", "DRAFT", 2]]);

    const vv08 = await returnOf("WSW-VV-08", ids.fresh);
    expect(vv08.values).toEqual({ REFERRALS: { value: 120, comment: null }, CASES_CLOSED: { value: 40, comment: null }, CASES_CLOSED_IMPROVED: { value: null, comment: null } });
    expect((await returnOf("WSW-VV-09", ids.fresh)).values).toEqual({ REFERRALS: { value: 300, comment: "Busy quarter" }, REFERRALS_CONTACTED_2D: { value: 280, comment: null } });

    const after = await rowCounts();
    expect(after.performance_return - before.performance_return).toBe(2);
    expect(after.return_value - before.return_value).toBe(5);
    expect(after.return_revision - before.return_revision).toBe(0);
    expect(after.audit_event - before.audit_event).toBe(3); // two return.create and the import itself
    expect(after.domain_event - before.domain_event).toBe(2); // RETURN_CHANGED CREATED for each new return
    const audit = await server.services.db.query("SELECT action, entityType, entityId FROM audit_event ORDER BY id DESC LIMIT 3");
    expect(audit.map((a: any) => a.action).sort()).toEqual(["return.create", "return.create", "return.csvImport"]);
    // Each return.create row holds the return exactly as it was stored, values and their ids included.
    for (const id of result.returns.map((r: any) => r.id)) {
      const created = await lastAudit("return.create", id);
      expect(created.before).toBeNull();
      expect(created.after).toEqual({ ...(await storedState(id)), importId: result.importId });
    }
  });

  it("updates drafts: keeps values and comments the file does not give, and moves each return to a new version", async () => {
    const { ret: vv08Before } = await returnOf("WSW-VV-08", ids.fresh);
    const returnIds = (await m().findBy(PerformanceReturn, { periodId: ids.fresh })).map((r) => r.id);
    const statesBefore = new Map(await Promise.all(returnIds.map(async (id) => [id, await storedState(id)] as const)));
    const result = await ok(PROVIDER_B, ids.fresh, "contract_reference,measure_code,value\nWSW-VV-08,CASES_CLOSED_IMPROVED,30\nWSW-VV-09,REFERRALS,310\n");
    expect(result).toMatchObject({ returnsCreated: 0, returnsUpdated: 2, returnsSubmitted: 0 });
    for (const id of result.returns.map((r: any) => r.id)) {
      const saved = await lastAudit("return.save", id);
      expect(saved.before).toEqual(statesBefore.get(id));
      expect(saved.after).toEqual({ ...(await storedState(id)), importId: result.importId });
    }
    const vv08 = await returnOf("WSW-VV-08", ids.fresh);
    expect(vv08.ret!.version).toBe(vv08Before!.version + 1);
    expect(vv08.values.CASES_CLOSED_IMPROVED).toEqual({ value: 30, comment: null });
    expect(vv08.values.REFERRALS).toEqual({ value: 120, comment: null });
    // No comment column: the comment saved earlier stays.
    expect((await returnOf("WSW-VV-09", ids.fresh)).values.REFERRALS).toEqual({ value: 310, comment: "Busy quarter" });
  });

  it("submits: every return gets its first revision exactly as submitReturn makes it, with audit rows and events", async () => {
    const before = await rowCounts();
    const csv = [
      "contract_reference,measure_code,value,comment",
      "WSW-VV-08,REFERRALS,125,",
      "WSW-VV-08,CASES_CLOSED,40,",
      "WSW-VV-08,CASES_CLOSED_IMPROVED,31,",
      "WSW-VV-09,REFERRALS,310,Busy quarter",
      "WSW-VV-09,REFERRALS_CONTACTED_2D,280,",
      "WSW-VV-09,CASES_CLOSED,90,",
      "WSW-VV-09,CASES_CLOSED_IMPROVED,70,",
    ].join("\n");
    const key = newKey();
    const result = await ok(PROVIDER_B, ids.fresh, csv, { submit: true, key });
    expect(result).toMatchObject({ totalRows: 7, returnsCreated: 0, returnsUpdated: 2, returnsSubmitted: 2, replayed: false });
    expect(result.returns.map((r: any) => [r.contract.reference, r.state, r.revisionCount])).toEqual([["WSW-VV-08", "SUBMITTED", 1], ["WSW-VV-09", "SUBMITTED", 1]]);

    const vv09 = await returnOf("WSW-VV-09", ids.fresh);
    const revision = await m().findOneByOrFail(ReturnRevision, { returnId: vv09.ret!.id, number: 1 });
    expect(revision.values).toHaveLength(4);
    expect(revision.submittedById).toBeGreaterThan(0);
    const after = await rowCounts();
    expect(after.return_revision - before.return_revision).toBe(2);
    expect(after.return_value - before.return_value).toBe(2); // VV-09's two new measures
    expect(after.audit_event - before.audit_event).toBe(5); // two return.save, two return.submit, one import
    // Two RETURN_CHANGED SUBMITTED, and one scorecard event for the portfolio whose provisional cells they moved.
    expect(after.domain_event - before.domain_event).toBe(3);
    const events = await server.services.db.query("SELECT topic, payload FROM domain_event ORDER BY seq DESC LIMIT 3");
    expect(events.filter((e: any) => e.topic === "RETURN_CHANGED").map((e: any) => JSON.parse(e.payload).change)).toEqual(["SUBMITTED", "SUBMITTED"]);
    expect(events.filter((e: any) => e.topic !== "RETURN_CHANGED")).toHaveLength(1);

    // A retry with the same key answers with the first result and writes nothing.
    const retry = await ok(PROVIDER_B, ids.fresh, csv, { submit: true, key });
    expect(retry).toMatchObject({ ...result, returns: expect.any(Array), replayed: true });
    expect(retry.returns.map((r: any) => r.id)).toEqual(result.returns.map((r: any) => r.id));
    expect(await rowCounts()).toEqual(after);
    // The same key for a different file is refused.
    const reused = await upload(PROVIDER_B, ids.fresh, csv.replace("125", "126"), { submit: true, key });
    expect(codes(reused)).toEqual(["CONFLICT"]);
    expect(await rowCounts()).toEqual(after);
  });

  it("lets the office's staff upload on a provider's behalf", async () => {
    const result = await ok(OFFICER, ids.fresh, "contract_reference,measure_code,value\nWSW-VV-03,REFERRALS,410\nWSW-VV-06,CLIENTS_SUPPORTED,500\n");
    expect(result).toMatchObject({ returnsCreated: 2 });
    expect((await returnOf("WSW-VV-03", ids.fresh)).values.REFERRALS.value).toBe(410);
  });
});

describe("a file with problems", () => {
  it("reports exactly the rows and columns at fault, and saves nothing", async () => {
    const csv = [
      "contract_reference,measure_code,value,comment",
      "WSW-VV-05,CLIENTS_SUPPORTED,100,",
      "WSW-VV-05,REFERRALS,lots,", // row 3: not a number
      "WSW-VV-12,SURVEY_RESPONSES,50,",
      "WSW-VV-12,SATISFIED_RESPONSES,45,",
      "WSW-PY-05,INCIDENTS_TRIAGED,12,",
      "WSW-PY-05,HCP_REQUESTS,7,", // row 7: not a measure this contract reports
    ].join("\n");
    const problems = await refused(OFFICER, ids.fresh, csv);
    expect(brief(problems)).toEqual([
      { field: "row 3, value", rule: "number", row: 3, column: "value" },
      { field: "row 7, measure_code", rule: "inForm", row: 7, column: "measure_code" },
    ]);
    expect(problems[0].message).toContain('"lots" is not a number');
  });

  it("names unknown contracts, duplicates, over-long comments and returns no longer with the provider", async () => {
    const csv = [
      "contract_reference,measure_code,value,comment",
      "WSW-VV-09,REFERRALS,1,", // row 2: 2024-25 Q1's return is SUBMITTED
      "WSW-VV-09,CASES_CLOSED,1,",
      "NO-SUCH-REF,REFERRALS,1,", // row 4
      "WSW-VV-08,REFERRALS,1,",
      "WSW-VV-08,REFERRALS,2,", // row 6: duplicate
      `WSW-VV-08,CASES_CLOSED,3,${"x".repeat(2001)}`, // row 7
      ",CASES_CLOSED,3,", // row 8
      "WSW-VV-08,,3,", // row 9
    ].join("\n");
    expect(brief(await refused(PROVIDER_B, ids.open, csv))).toEqual([
      { field: "row 2, contract_reference", rule: "notEditable", row: 2, column: "contract_reference" },
      { field: "row 4, contract_reference", rule: "unknownContract", row: 4, column: "contract_reference" },
      { field: "row 6, measure_code", rule: "duplicate", row: 6, column: "measure_code" },
      { field: "row 7, comment", rule: "maxLength", row: 7, column: "comment" },
      { field: "row 8, contract_reference", rule: "required", row: 8, column: "contract_reference" },
      { field: "row 9, measure_code", rule: "required", row: 9, column: "measure_code" },
    ]);
  });

  it("applies the full submission rules to each return when submitting", async () => {
    const csv = [
      "contract_reference,measure_code,value",
      "WSW-VV-01,REFERRALS,6000", // row 2: 2394 accepted last quarter: a sharp change
      "WSW-VV-01,REFERRALS_CONTACTED_2D,2300",
      "WSW-VV-01,CLIENTS_SUPPORTED,1200",
      "WSW-VV-05,CLIENTS_SUPPORTED,1.5", // row 5: a count must be whole
      "WSW-RR-04,CASES_CLOSED,10", // rows 6-7: improved above closed; row 6 lacks its other measures
      "WSW-RR-04,CASES_CLOSED_IMPROVED,12",
    ].join("\n");
    const forms: Record<string, ReturnForm> = Object.fromEntries(await Promise.all(["WSW-VV-05", "WSW-RR-04"].map(async (reference) => [reference, await loadForm(m(), (await m().findOneByOrFail(Contract, { officeId: ids.wiltshire, reference })).id)])));
    const problems = await refused(OFFICER, ids.fresh, csv, { submit: true });
    const outlier = problems.find((p) => p.rule === "outlier")!;
    expect(brief([outlier])).toEqual([{ field: "row 2, value", rule: "outlier", row: 2, column: "value" }]);
    expect(outlier.message).toMatch(/submit this return in the form to explain it/);
    expect(problems.find((p) => p.rule === "wholeNumber")).toMatchObject({ field: "row 5, value" });
    expect(problems.find((p) => p.rule === "numeratorAboveDenominator")).toMatchObject({ field: "row 7, value" });
    // Measures the form needs that neither the file nor the saved draft gives are reported at the return's first row.
    const missing = (reference: string, present: string[]) => forms[reference].measures.filter((x) => !present.includes(x.code)).length;
    expect(problems.filter((p) => p.rule === "required").map((p) => p.field)).toEqual([
      ...Array(missing("WSW-VV-05", ["CLIENTS_SUPPORTED"])).fill("row 5, measure_code"),
      ...Array(missing("WSW-RR-04", ["CASES_CLOSED", "CASES_CLOSED_IMPROVED"])).fill("row 6, measure_code"),
    ]);
    // The same file as drafts is fine: drafts may be incomplete and sharp changes are explained on submission.
    expect(await ok(OFFICER, ids.fresh, csv.replace("1.5", "15").replace("CASES_CLOSED_IMPROVED,12", "CASES_CLOSED_IMPROVED,9"))).toMatchObject({ returnsCreated: 3, returnsUpdated: 0 });
  });

  it("does not let a provider upload for another provider's contract, nor reveal that it exists", async () => {
    const csv = "contract_reference,measure_code,value\nWSW-VV-03,REFERRALS,10\nWSW-VV-08,REFERRALS,10\nWSW-VV-NONE,REFERRALS,10\n";
    const problems = await refused(PROVIDER_A, ids.fresh, csv);
    expect(brief(problems)).toEqual([
      { field: "row 3, contract_reference", rule: "unknownContract", row: 3, column: "contract_reference" },
      { field: "row 4, contract_reference", rule: "unknownContract", row: 4, column: "contract_reference" },
    ]);
    expect(problems[0].message.replace("WSW-VV-08", "X")).toBe(problems[1].message.replace("WSW-VV-NONE", "X"));
  });

  it("refuses a closed period, other offices and read-only roles", async () => {
    const csv = "contract_reference,measure_code,value\nWSW-VV-08,REFERRALS,10\n";
    expect(brief(await refused(PROVIDER_B, ids.q3, csv))).toEqual([{ field: "periodId", rule: "periodOpen", row: null, column: null }]);
    const before = await rowCounts();
    expect(codes(await upload(DORSET_OFFICER, ids.fresh, csv))).toEqual(["NOT_FOUND"]);
    expect(codes(await upload(ANALYST, ids.fresh, csv))).toEqual(["FORBIDDEN"]);
    expect(codes(await upload(PROVIDER_B, ids.fresh, csv, { key: "short" }))).toEqual(["BAD_USER_INPUT"]);
    expect(await rowCounts()).toEqual(before);
  });
});

/** An office with many more contracts than the demo: `contracts` contracts each reporting `measures` measures through ratio KPIs. */
async function createBulkContracts(contracts: number, measures: number): Promise<string[]> {
  const office = ids.wiltshire;
  const portfolio = (await m().findBy(Portfolio, { officeId: office }))[0];
  const providers = await m().find(Provider, { order: { id: "ASC" } });
  return server.services.writer.run(null, async ({ manager }) => {
    await manager.insert(Measure, Array.from({ length: measures }, (_, i) => ({ officeId: office, code: `BULK_M${i + 1}`, name: `Bulk measure ${i + 1}`, description: null, unit: MeasureUnit.COUNT, minValue: 0, maxValue: null })));
    const bulkMeasures = (await manager.find(Measure, { where: { officeId: office }, order: { id: "ASC" } })).filter((x) => x.code.startsWith("BULK_"));
    await manager.insert(Indicator, Array.from({ length: measures / 2 }, (_, i) => ({ officeId: office, code: `BULK_K${i + 1}`, name: `Bulk KPI ${i + 1}`, factor: 100, unit: MeasureUnit.PERCENT, direction: Direction.HIGHER_IS_BETTER, amberTolerance: 5 })));
    const indicators = (await manager.find(Indicator, { where: { officeId: office }, order: { id: "ASC" } })).filter((x) => x.code.startsWith("BULK_"));
    await manager.insert(IndicatorMeasure, indicators.flatMap((indicator, i) => [
      { indicatorId: indicator.id, measureId: bulkMeasures[2 * i].id, role: MeasureRole.NUMERATOR },
      { indicatorId: indicator.id, measureId: bulkMeasures[2 * i + 1].id, role: MeasureRole.DENOMINATOR },
    ]));
    const references = Array.from({ length: contracts }, (_, i) => `BULK-${String(i + 1).padStart(4, "0")}`);
    for (let i = 0; i < contracts; i += 200) {
      await manager.insert(Contract, references.slice(i, i + 200).map((reference, j) => ({
        officeId: office, portfolioId: portfolio.id, providerId: providers[(i + j) % providers.length].id, reference, title: `Service ${reference}`, mechanism: Mechanism.GRANT, stage: LifecycleStage.DO, status: ContractStatus.LIVE,
      })));
    }
    const created = (await manager.findBy(Contract, { officeId: office })).filter((c) => c.reference.startsWith("BULK-"));
    const kpis = created.flatMap((c) => indicators.map((indicator) => ({ contractId: c.id, indicatorId: indicator.id })));
    for (let i = 0; i < kpis.length; i += 500) await manager.insert(ContractKpi, kpis.slice(i, i + 500));
    return references;
  });
}

describe("a 10,000-row file", () => {
  it("goes through over HTTP while a WebSocket subscriber sees its progress rise to DONE", async () => {
    const CONTRACTS = 500;
    const MEASURES = 20;
    const references = await createBulkContracts(CONTRACTS, MEASURES);
    const lines = ["contract_reference,measure_code,value,comment"];
    references.forEach((reference, c) => {
      for (let k = 1; k <= MEASURES; k++) lines.push(`${reference},BULK_M${k},${k % 2 ? 40 + (c % 9) : 100 + (c % 13)},`); // odd measures are numerators
    });
    const csv = lines.join("\n");
    expect(lines.length - 1).toBe(10_000);

    const importId = `bulk-${Date.now()}`;
    const client = wsClient(server.url, await server.tokenFor(OFFICER));
    const progress = collect<any>(client, PROGRESS, { importId }, (items) => ["DONE", "FAILED"].includes(items.at(-1)?.data?.csvImportProgress.phase), 60_000);
    // Another user following the same importId must see nothing.
    const snooper = wsClient(server.url, await server.tokenFor(COMMISSIONER));
    const snooped: unknown[] = [];
    const stopSnooping = snooper.subscribe({ query: PROGRESS, variables: { importId } }, { next: (value) => snooped.push(value), error: () => {}, complete: () => {} });
    await new Promise((r) => setTimeout(r, 300)); // let both subscriptions reach the server first

    const started = performance.now();
    const response = await server.http<any>(OFFICER, UPLOAD.replace("returns { id state version revisionCount contract { reference } values { value comment measure { code } } }", ""), { periodId: ids.fresh, csv, submit: true, key: newKey(), importId });
    const elapsed = performance.now() - started;
    console.log(`uploadReturnsCsv: ${CONTRACTS} contracts × ${MEASURES} measures = 10,000 rows (${Math.round(csv.length / 1024)} KB), submitted, over HTTP in ${Math.round(elapsed)} ms`);
    expect(response.errors).toBeUndefined();
    expect(response.data.uploadReturnsCsv).toMatchObject({ importId, totalRows: 10_000, returnsCreated: CONTRACTS, returnsSubmitted: CONTRACTS });

    const events = (await progress).map((item) => item.data.csvImportProgress);
    await new Promise((r) => setTimeout(r, 200));
    stopSnooping();
    await client.dispose();
    await snooper.dispose();
    expect(snooped).toEqual([]);

    const phases = ["VALIDATING", "APPLYING", "DONE"];
    expect(events.at(-1)).toEqual({ importId, phase: "DONE", processedRows: 10_000, totalRows: 10_000 });
    expect(new Set(events.map((e) => e.phase))).toEqual(new Set(phases));
    expect(events.filter((e) => e.phase === "APPLYING").length).toBeGreaterThanOrEqual(10_000 / 500);
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1], events[i]];
      const order = phases.indexOf(b.phase) - phases.indexOf(a.phase);
      expect(order > 0 || (order === 0 && b.processedRows >= a.processedRows)).toBe(true);
    }

    const counts = await server.services.db.query(
      `SELECT COUNT(DISTINCT r.id) AS returns, COUNT(v.id) AS "values", SUM(CASE WHEN r.state = '${ReturnState.SUBMITTED}' THEN 1 ELSE 0 END) AS submitted
       FROM performance_return r JOIN contract c ON c.id = r.contractId JOIN return_value v ON v.returnId = r.id
       WHERE r.periodId = ? AND c.reference LIKE 'BULK-%'`,
      [ids.fresh],
    );
    expect(counts[0]).toMatchObject({ returns: CONTRACTS, values: 10_000, submitted: 10_000 });
    const revisions = await server.services.db.query("SELECT COUNT(*) AS n FROM return_revision WHERE returnId IN (SELECT r.id FROM performance_return r JOIN contract c ON c.id = r.contractId WHERE c.reference LIKE 'BULK-%')");
    expect(Number(revisions[0].n)).toBe(CONTRACTS);
  }, 90_000);
});
