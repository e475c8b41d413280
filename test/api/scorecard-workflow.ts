import fc from "fast-check";
import { IsNull } from "typeorm";
import { Contract, ContractStatus } from "../../server/modules/contracts/contract.entities.js";
import { ContractKpi, Indicator, Target } from "../../server/modules/kpis/kpi.entities.js";
import { quarterFromIndex, quarterIndex, type Quarter } from "../../server/modules/periods/financial-year.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { loadForm } from "../../server/modules/returns/return-form.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import type { TestServer } from "./harness.js";

/*
 * Random sequences of the workflow's operations for the maintained-scorecard property tests (SQLite and
 * PostgreSQL): save, submit, accept, send back, reopen, set a target, move a contract, change its status or KPIs,
 * open a quarter, upload a CSV. Each is applied through the real schema as the Wiltshire officer.
 */

export const OFFICER = "officer@wiltshire.demo.example";
export type Op =
  | { kind: "save"; c: number; p: number; seed: number }
  | { kind: "fill"; c: number; p: number; seed: number }
  | { kind: "submit"; r: number }
  | { kind: "accept"; r: number }
  | { kind: "sendBack"; r: number }
  | { kind: "reopen"; r: number }
  | { kind: "target"; i: number; c: number; onPortfolio: boolean; p: number; yearly: boolean; value: number }
  | { kind: "move"; c: number; to: number }
  | { kind: "status"; c: number; status: ContractStatus }
  | { kind: "kpis"; c: number; mask: number }
  | { kind: "openPeriod" }
  | { kind: "csv"; p: number; cs: number[]; submit: boolean; seed: number };

const nat = fc.nat({ max: 10_000 });
export const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("save" as const), c: nat, p: nat, seed: nat }),
  { arbitrary: fc.record({ kind: fc.constant("fill" as const), c: nat, p: nat, seed: nat }), weight: 3 },
  fc.record({ kind: fc.constant("submit" as const), r: nat }),
  { arbitrary: fc.record({ kind: fc.constant("accept" as const), r: nat }), weight: 2 },
  fc.record({ kind: fc.constant("sendBack" as const), r: nat }),
  fc.record({ kind: fc.constant("reopen" as const), r: nat }),
  fc.record({ kind: fc.constant("target" as const), i: nat, c: nat, onPortfolio: fc.boolean(), p: nat, yearly: fc.boolean(), value: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant("move" as const), c: nat, to: nat }),
  fc.record({ kind: fc.constant("status" as const), c: nat, status: fc.constantFrom(ContractStatus.LIVE, ContractStatus.UNDER_REVIEW, ContractStatus.ENDED, ContractStatus.PIPELINE) }),
  fc.record({ kind: fc.constant("kpis" as const), c: nat, mask: nat }),
  fc.record({ kind: fc.constant("openPeriod" as const) }),
  fc.record({ kind: fc.constant("csv" as const), p: nat, cs: fc.array(nat, { minLength: 1, maxLength: 4 }), submit: fc.boolean(), seed: nat }),
);

export const pick = <T>(items: T[], i: number): T | undefined => (items.length ? items[i % items.length] : undefined);
let keys = 0;
/** What each operation came to (kind:ok, or kind:ERROR_CODE), to show the sequences really exercise the writes. */
export const outcomes: string[] = [];

/** Values a form would accept most of the time: denominators above numerators, inside each measure's bounds. */
async function valuesFor(server: TestServer, contractId: number, seed: number) {
  const form = await loadForm(server.services.writer.dataSource.manager, contractId);
  const denominators = new Set(form.ratios.flatMap((r) => r.denominator));
  return form.measures.map((m, k) => {
    let value = denominators.has(m.id) ? 60 + ((seed * (k + 3)) % 40) : (seed * (k + 7)) % 60;
    if (m.maxValue != null) value = Math.min(value, m.maxValue);
    if (m.minValue != null) value = Math.max(value, m.minValue);
    return { measureId: m.id, code: m.code, value };
  });
}

export async function apply(server: TestServer, officeId: number, step: Op): Promise<void> {
  const m = server.services.writer.dataSource.manager;
  const contracts = await m.find(Contract, { where: { officeId }, order: { id: "ASC" } });
  const periods = (await m.find(ReportingPeriod, { where: { officeId } })).sort((a, b) => quarterIndex(a as Quarter) - quarterIndex(b as Quarter));
  const open = periods.filter((p) => p.state === PeriodState.OPEN);
  const returnsIn = async (...states: ReturnState[]) =>
    (await m.find(PerformanceReturn, { order: { id: "ASC" }, relations: {} })).filter((r) => states.includes(r.state) && contracts.some((c) => c.id === r.contractId));
  const run = async (query: string, variables: Record<string, unknown>) => {
    const result = await server.run(OFFICER, query, variables);
    outcomes.push(`${step.kind}:${result.errors ? (result.errors[0] as { extensions?: { code?: string } }).extensions?.code : "ok"}`);
    return result;
  };

  const save = async (contract: Contract, period: ReportingPeriod, seed: number) => {
    const existing = await m.findOneBy(PerformanceReturn, { contractId: contract.id, periodId: period.id });
    const values = (await valuesFor(server, contract.id, seed)).map(({ measureId, value }) => ({ measureId, value }));
    await run("mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id } }", { i: { contractId: contract.id, periodId: period.id, values, version: existing?.version } });
  };
  const submit = async (ret: PerformanceReturn) => {
    const fresh = await m.findOneByOrFail(PerformanceReturn, { id: ret.id });
    const form = await loadForm(m, fresh.contractId);
    const acknowledgements = form.measures.map((x) => ({ measureId: x.id, comment: "Checked with the provider." }));
    await run("mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { id } }", { i: { returnId: fresh.id, version: fresh.version, idempotencyKey: `prop-${++keys}-${Date.now()}`, acknowledgements } });
  };
  const review = async (ret: PerformanceReturn, mutation: string) => {
    const fresh = await m.findOneByOrFail(PerformanceReturn, { id: ret.id });
    await run(mutation, { id: fresh.id, v: fresh.version });
  };

  switch (step.kind) {
    case "save":
    case "fill": {
      const contract = pick(contracts, step.c);
      const period = pick(open, step.p);
      if (!contract || !period) return;
      await save(contract, period, step.seed);
      if (step.kind === "fill") {
        const ret = await m.findOneBy(PerformanceReturn, { contractId: contract.id, periodId: period.id });
        if (ret) await submit(ret);
        if (ret) await review(ret, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }");
      }
      return;
    }
    case "submit": {
      const ret = pick(await returnsIn(ReturnState.DRAFT, ReturnState.RETURNED), step.r);
      if (ret) await submit(ret);
      return;
    }
    case "accept": {
      const ret = pick(await returnsIn(ReturnState.SUBMITTED), step.r);
      if (ret) await review(ret, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id } }");
      return;
    }
    case "sendBack": {
      const ret = pick(await returnsIn(ReturnState.SUBMITTED), step.r);
      if (ret) await review(ret, 'mutation($id: Int!, $v: Int!) { sendBackReturn(id: $id, version: $v, reason: "Please check the figures.") { id } }');
      return;
    }
    case "reopen": {
      const ret = pick(await returnsIn(ReturnState.ACCEPTED), step.r);
      if (ret) await review(ret, 'mutation($id: Int!, $v: Int!) { reopenReturn(id: $id, version: $v, reason: "A correction is due.") { id } }');
      return;
    }
    case "target": {
      const period = pick(periods, step.p)!;
      const indicators = await m.find(Indicator, { where: { officeId }, order: { id: "ASC" } });
      const indicator = pick(indicators, step.i)!;
      let owner: Record<string, number>;
      if (step.onPortfolio) owner = { portfolioId: pick(await m.find(Portfolio, { where: { officeId }, order: { id: "ASC" } }), step.c)!.id };
      else {
        const reporting = (await m.find(ContractKpi, { where: { indicatorId: indicator.id }, order: { contractId: "ASC" } })).map((k) => k.contractId);
        const contractId = pick(reporting, step.c);
        if (contractId == null) return;
        owner = { contractId };
      }
      const quarter = step.yearly ? null : period.quarter;
      // An edit carries the version of the target it changes; none creates one.
      const existing = await m.findOne(Target, { where: { indicatorId: indicator.id, contractId: owner.contractId ?? IsNull(), portfolioId: owner.portfolioId ?? IsNull(), year: period.year, quarter: quarter ?? IsNull() } });
      await run("mutation($i: SetTargetInput!) { setTarget(input: $i) { id } }", { i: { indicatorId: indicator.id, ...owner, year: period.year, quarter, value: step.value, version: existing?.version ?? null } });
      return;
    }
    case "move": {
      const contract = pick(contracts, step.c)!;
      const portfolio = pick(await m.find(Portfolio, { where: { officeId }, order: { id: "ASC" } }), step.to)!;
      await run("mutation($id: Int!, $v: Int!, $i: ContractInput!) { updateContract(id: $id, version: $v, input: $i) { id } }", { id: contract.id, v: contract.version, i: { portfolioId: portfolio.id } });
      return;
    }
    case "status": {
      const contract = pick(contracts, step.c)!;
      await run("mutation($id: Int!, $v: Int!, $i: ContractInput!) { updateContract(id: $id, version: $v, input: $i) { id } }", { id: contract.id, v: contract.version, i: { status: step.status } });
      return;
    }
    case "kpis": {
      const contract = pick(contracts, step.c)!;
      const indicators = await m.find(Indicator, { where: { officeId }, order: { id: "ASC" } });
      const chosen = indicators.filter((_, k) => (step.mask >> k % 13) & 1).map((i) => i.id);
      await run("mutation($c: Int!, $ids: [Int!]!, $v: Int!) { setContractKpis(contractId: $c, indicatorIds: $ids, version: $v) { id } }", { c: contract.id, ids: chosen, v: contract.version });
      return;
    }
    case "openPeriod": {
      const last = periods[periods.length - 1];
      const next = quarterFromIndex(quarterIndex(last as Quarter) + 1);
      await run("mutation($o: Int, $q: String!) { openReportingPeriod(officeId: $o, quarter: $q) { id } }", { o: officeId, q: `${next.year} Q${next.quarter}` });
      return;
    }
    case "csv": {
      const period = pick(open, step.p);
      if (!period) return;
      const lines = ["contract_reference,measure_code,value"];
      for (const c of new Set(step.cs.map((i) => pick(contracts, i)!))) {
        for (const v of await valuesFor(server, c.id, step.seed)) lines.push(`${c.reference},${v.code},${v.value}`);
      }
      await run("mutation($csv: String!, $p: Int!, $k: String!, $s: Boolean) { uploadReturnsCsv(csv: $csv, periodId: $p, idempotencyKey: $k, submit: $s) { totalRows } }", { csv: lines.join("\n"), p: period.id, k: `csv-prop-${++keys}-${Date.now()}`, s: step.submit });
      return;
    }
  }
}

