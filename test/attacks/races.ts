/*
 * Races on every edit of a shared record, against one or more running instances (guarantees 3 and 4, issue 15).
 * Each edit mutation of the schema is raced by CONTENDERS clients from one version, spread over the instances;
 * then sent with a stale version and (where the schema lets you) with none. Identical creates collide too.
 */
import { codeOf, describeFailure, gql, login, ok, OFFICER, ADMIN, PASSWORD } from "./kit.js";

export const CONTENDERS = 6;
type Ref = { id: number; version: number };
interface EditSpec {
  name: string;
  admin?: boolean;
  /** Finds the record (id and current version). */
  find(run: Run): Promise<Ref & Record<string, any>>;
  /** The mutation from version `v` (undefined: no version at all), contender i. */
  edit(r: Ref & Record<string, any>, v: number | undefined, i: number): [string, Record<string, unknown>];
  /** Version field is optional in the schema (create without, change with). */
  optional?: boolean;
}
export type Run = (query: string, vars?: Record<string, unknown>, admin?: boolean) => Promise<any>;

/** While set, `first` returns the record with this id: the same record is read back after its race. */
let pinned: number | null = null;
const first = (xs: any[], pred: (x: any) => boolean = () => true): any => {
  const x = pinned === null ? xs.find(pred) : xs.find((r: any) => r.id === pinned);
  if (!x) throw new Error("no record to race on");
  return x;
};

const YEAR = "2036-37";
export const EDITS: EditSpec[] = [
  { name: "updateRisk", find: async (run) => first((await run("{ risks { id version } }")).risks), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $d: String!) { updateRisk(id: $id, version: $v, input: { description: $d }) { id version } }", { id: r.id, v, d: `race ${i}` }] },
  { name: "reviewRisk", find: async (run) => first((await run("{ risks { id version } }")).risks), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!) { reviewRisk(id: $id, version: $v, input: { quarter: \"2026-27 Q3\", likelihood: 3, impact: 2, status: OPEN, note: \"n\" }) { id version } }".replace('note: \\"n\\"', `note: "n${i}"`), { id: r.id, v }] },
  { name: "updateContract", find: async (run) => first((await run("{ contracts(first: 5) { items { id version } } }")).contracts.items), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $t: String!) { updateContract(id: $id, version: $v, input: { title: $t }) { id version } }", { id: r.id, v, t: `Race title ${i}` }] },
  { name: "setReportingSchedule", find: async (run) => first((await run("{ contracts(first: 20) { items { id version } } }")).contracts.items.slice(1)), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $s: ReportingSchedule!) { setReportingSchedule(id: $id, version: $v, schedule: $s) { id version } }", { id: r.id, v, s: i % 2 ? "HALF_YEARLY" : "YEARLY" }] },
  {
    name: "setContractKpis",
    find: async (run) => first((await run("{ contracts(first: 30) { items { id version kpis { indicator { id } } } } }")).contracts.items.slice(2), (c: any) => c.kpis.length > 0),
    // Every contender makes the same real change (drops the first indicator), so a no-op cannot hide a lost race.
    edit: (r, v) => ["mutation($id: Int!, $v: Int!, $i: [Int!]!) { setContractKpis(contractId: $id, version: $v, indicatorIds: $i) { id } }", { id: r.id, v, i: r.kpis.map((k: any) => k.indicator.id).slice(1) }],
  },
  { name: "updateAllocation", find: async (run) => first((await run("{ allocations { id version } }")).allocations), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $l: String!) { updateAllocation(id: $id, version: $v, input: { label: $l }) { id version } }", { id: r.id, v, l: `race ${i}` }] },
  { name: "updateFundingStream", find: async (run) => first((await run("{ fundingStreams { id version name } }")).fundingStreams), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $n: String!) { updateFundingStream(id: $id, version: $v, input: { name: $n }) { id version } }", { id: r.id, v, n: `${r.name} r${i}` }] },
  { name: "updateIndicator", find: async (run) => first((await run("{ indicators { id version name } }")).indicators), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $n: String!) { updateIndicator(id: $id, version: $v, input: { name: $n }) { id version } }", { id: r.id, v, n: `${r.name} r${i}` }] },
  { name: "updateMeasure", find: async (run) => first((await run("{ measures { id version name } }")).measures), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $n: String!) { updateMeasure(id: $id, version: $v, input: { name: $n }) { id version } }", { id: r.id, v, n: `${r.name} r${i}` }] },
  { name: "updateStrategicPlan", find: async (run) => first((await run("{ strategicPlans { id version title } }")).strategicPlans), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $t: String!) { updateStrategicPlan(id: $id, version: $v, input: { title: $t }) { id version } }", { id: r.id, v, t: `${r.title} r${i}` }] },
  { name: "updatePlanPriority", find: async (run) => first((await run("{ strategicPlans { priorities { id version title } } }")).strategicPlans.flatMap((p: any) => p.priorities)), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $t: String!) { updatePlanPriority(id: $id, version: $v, input: { title: $t }) { id version } }", { id: r.id, v, t: `${r.title} r${i}` }] },
  {
    name: "updateKeyPerformanceQuestion",
    find: async (run) => {
      const all = (await run("{ strategicPlans { priorities { id keyPerformanceQuestions { id version question } } } }")).strategicPlans.flatMap((p: any) => p.priorities);
      const kpq = all.flatMap((x: any) => x.keyPerformanceQuestions).find((q: any) => q.question.startsWith("Race KPQ"));
      return kpq ?? (await run("mutation($p: Int!) { createKeyPerformanceQuestion(input: { priorityId: $p, question: \"Race KPQ\" }) { id version question } }", { p: all[0].id })).createKeyPerformanceQuestion;
    },
    edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $q: String!) { updateKeyPerformanceQuestion(id: $id, version: $v, input: { question: $q }) { id version } }", { id: r.id, v, q: `${r.question} r${i}` }],
  },
  { name: "updatePortfolio", find: async (run) => first((await run("{ portfolios { id version } }")).portfolios), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $d: String!) { updatePortfolio(id: $id, version: $v, input: { description: $d }) { id version } }", { id: r.id, v, d: `race ${i}` }] },
  {
    name: "updateProvider",
    find: async (run) => first((await run("{ contracts(first: 3) { items { provider { id version name type } } } }")).contracts.items.map((c: any) => c.provider)),
    edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $n: String!, $t: ProviderType!) { updateProvider(id: $id, version: $v, input: { name: $n, type: $t }) { id version } }", { id: r.id, v, n: `${r.name} r${i}`, t: r.type }],
  },
  { name: "updateOffice", admin: true, find: async (run) => first((await run("{ offices { id version } }", {}, true)).offices), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $t: String!) { updateOffice(id: $id, version: $v, input: { commissionerTitle: $t }) { id version } }", { id: r.id, v, t: `Title ${i}` }] },
  { name: "updateUser", admin: true, find: async (run) => first((await run("query($o: Int) { users(officeId: $o) { id version } }", { o: (await run("{ me { office { id } } }", {}, false)).me.office.id }, true)).users.filter((u: any) => u.id !== pinned || pinned !== null).slice(pinned === null ? 1 : 0)), edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $n: String!) { updateUser(id: $id, version: $v, input: { name: $n }) { id version } }", { id: r.id, v, n: `Race name ${i}` }] },
  {
    name: "setTarget (existing)",
    optional: true,
    find: async (run) => {
      const ind = first((await run("{ indicators { id } }")).indicators);
      const p = first((await run("{ portfolios { id } }")).portfolios);
      const key = { indicatorId: ind.id, portfolioId: p.id, year: YEAR, quarter: 2 };
      const got = (await run("query($k: TargetKeyInput!) { target(key: $k) { id version } }", { k: key })).target;
      const t = got ?? (await run("mutation($i: SetTargetInput!) { setTarget(input: $i) { id version } }", { i: { ...key, value: 1 } })).setTarget;
      return { ...t, key };
    },
    edit: (r, v, i) => ["mutation($i: SetTargetInput!) { setTarget(input: $i) { id version } }", { i: { ...r.key, value: 10 + i, ...(v === undefined ? {} : { version: v }) } }],
  },
  {
    name: "setFundingStreamYear (existing)",
    optional: true,
    find: async (run) => {
      const s = first((await run("{ fundingStreams { id } }")).fundingStreams);
      const got = (await run("query($id: Int!, $y: String!) { fundingStream(id: $id) { year(year: $y) { id version } } }", { id: s.id, y: YEAR })).fundingStream.year;
      const y = got ?? (await run("mutation($i: FundingStreamYearInput!) { setFundingStreamYear(input: $i) { id version } }", { i: { streamId: s.id, year: YEAR, amountPence: 100 } })).setFundingStreamYear;
      return { ...y, streamId: s.id };
    },
    edit: (r, v, i) => ["mutation($i: FundingStreamYearInput!) { setFundingStreamYear(input: $i) { id version } }", { i: { streamId: r.streamId, year: YEAR, amountPence: 1000 + i, ...(v === undefined ? {} : { version: v }) } }],
  },
  {
    name: "saveReturnDraft (existing)",
    optional: true,
    find: async (run) => {
      const periods = (await run("{ reportingPeriods { id year quarter state } }")).reportingPeriods;
      let p = periods.find((x: any) => x.year === "2036-37" && x.quarter === 1);
      if (!p) p = (await run('mutation { openReportingPeriod(quarter: "2036-37 Q1") { id } }')).openReportingPeriod;
      const c = first((await run("{ contracts(first: 30) { items { id reportedMeasures { id } } } }")).contracts.items, (x: any) => x.reportedMeasures.length > 0);
      const values = c.reportedMeasures.map((m: any) => ({ measureId: m.id, value: 3 }));
      const existing = await gqlRaw(run, "mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id version } }", { i: { contractId: c.id, periodId: p.id, version: null, values } });
      const ret = existing ?? first((await run("query($p: Int!) { returns(periodId: $p) { items { id version contract { id } } } }", { p: p.id })).returns.items, (x: any) => x.contract.id === c.id);
      return { ...ret, contractId: c.id, periodId: p.id, values };
    },
    edit: (r, v, i) => ["mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id version } }", { i: { contractId: r.contractId, periodId: r.periodId, values: r.values, achievements: `race ${i}`, ...(v === undefined ? {} : { version: v }) } }],
  },
  {
    name: "scoreBrief",
    find: async (run) => (await run('mutation { submitBrief(input: { title: "Race brief", summary: "s", drivers: [COMPLIANCE] }) { id version } }')).submitBrief,
    edit: (r, v, i) => ["mutation($id: Int!, $v: Int!) { scoreBrief(id: $id, version: $v, scores: { businessNeedScore: 2, deliverabilityScore: 1, driversScore: 3 }) { id version } }".replace("driversScore: 3", `driversScore: ${i % 4}`), { id: r.id, v }],
  },
  {
    name: "closeReportingPeriod",
    find: async (run) => (await run('mutation { openReportingPeriod(quarter: "2037-38 Q1") { id version } }')).openReportingPeriod,
    edit: (r, v) => ["mutation($id: Int!, $v: Int!) { closeReportingPeriod(id: $id, version: $v) { id version } }", { id: r.id, v }],
  },
  {
    name: "declineBrief",
    admin: true, // declining needs ADMIN or COMMISSIONER; the officer submits and scores it
    find: async (run) => {
      const b = (await run('mutation { submitBrief(input: { title: "Race brief 2", summary: "s", drivers: [COMPLIANCE] }) { id version } }', {}, false)).submitBrief;
      return (await run("mutation($id: Int!, $v: Int!) { scoreBrief(id: $id, version: $v, scores: { businessNeedScore: 1, deliverabilityScore: 1, driversScore: 1 }) { id version } }", { id: b.id, v: b.version }, false)).scoreBrief;
    },
    edit: (r, v, i) => ["mutation($id: Int!, $v: Int!, $r: String!) { declineBrief(id: $id, version: $v, reason: $r) { id version } }", { id: r.id, v, r: `no ${i}` }],
  },
  {
    name: "acceptReturn",
    find: async (run) => {
      const p = (await run('mutation { openReportingPeriod(quarter: "2038-39 Q1") { id } }')).openReportingPeriod;
      const c = first((await run("{ contracts(first: 30) { items { id reportedMeasures { id } } } }")).contracts.items, (x: any) => x.reportedMeasures.length > 0);
      const d = (await run("mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id version } }", { i: { contractId: c.id, periodId: p.id, version: null, values: c.reportedMeasures.map((m: any) => ({ measureId: m.id, value: 1 })) } })).saveReturnDraft;
      return (await run("mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { id version } }", { i: { returnId: d.id, version: d.version, idempotencyKey: `race-acc-${d.id}-${Date.now()}`, acknowledgements: [] } })).submitReturn;
    },
    edit: (r, v) => ["mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id version } }", { id: r.id, v }],
  },
];

async function gqlRaw(run: Run, q: string, vars: Record<string, unknown>): Promise<any | null> {
  try {
    return Object.values(await run(q, vars))[0];
  } catch {
    return null;
  }
}

export interface RaceReport {
  lines: string[];
  problems: string[];
  contenders: number;
  races: number;
}

/** Races every edit across `urls` (round robin). Collects every violation as a problem line. */
export async function raceEveryEdit(urls: string[]): Promise<RaceReport> {
  const officer = await Promise.all(urls.map(async (u) => (await login(u, OFFICER, PASSWORD)).token));
  const admin = await Promise.all(urls.map(async (u) => (await login(u, ADMIN, PASSWORD)).token));
  const run: Run = (q, vars = {}, asAdmin = false) => ok(urls[0], (asAdmin ? admin : officer)[0], q, vars);
  const report: RaceReport = { lines: [], problems: [], contenders: 0, races: 0 };
  for (const spec of EDITS) {
    let rec: Awaited<ReturnType<EditSpec["find"]>>;
    try {
      rec = await spec.find((q, vars, a) => run(q, vars, a ?? spec.admin));
    } catch (error) {
      report.problems.push(`${spec.name}: setup failed: ${String(error).slice(0, 300)}`);
      continue;
    }
    const tokens = spec.admin ? admin : officer;
    const answers = await Promise.all(Array.from({ length: CONTENDERS }, (_, i) => gql(urls[i % urls.length], tokens[i % urls.length], ...spec.edit(rec, rec.version, i), 30_000)));
    report.races++;
    report.contenders += CONTENDERS;
    const codes = answers.map(codeOf);
    const winners = codes.filter((c) => c === null).length;
    const losers = codes.filter((c) => c !== null);
    if (winners !== 1) report.problems.push(`${spec.name}: ${winners} winners of ${CONTENDERS} from version ${rec.version}: ${JSON.stringify(codes)}; ${answers.filter((a) => codeOf(a)).map(describeFailure).slice(0, 2).join(" | ")}`);
    if (losers.some((c) => c !== "CONFLICT")) report.problems.push(`${spec.name}: losers ${JSON.stringify(losers)}; ${answers.filter((a) => codeOf(a) && codeOf(a) !== "CONFLICT").map(describeFailure).slice(0, 2).join(" | ")}`);
    const winner = answers.find((a) => codeOf(a) === null);
    const newVersion = winner ? (Object.values(winner.data as object)[0] as any) : null;
    // The same edit from the now stale version, then (where allowed) with no version at all.
    const stale = await gql(urls[urls.length - 1], tokens[urls.length - 1], ...spec.edit(rec, rec.version, 99));
    if (codeOf(stale) !== "CONFLICT") report.problems.push(`${spec.name}: stale version ${rec.version} gave ${describeFailure(stale)}`);
    let none = "n/a";
    if (spec.optional) {
      const without = await gql(urls[0], tokens[0], ...spec.edit(rec, undefined, 98));
      none = codeOf(without) ?? "OK";
      if (codeOf(without) !== "CONFLICT") report.problems.push(`${spec.name}: no version on an existing record gave ${describeFailure(without)}`);
    }
    let after: Ref | null = null;
    try {
      pinned = spec.optional ? null : rec.id;
      if (!["scoreBrief", "closeReportingPeriod", "declineBrief", "acceptReturn"].includes(spec.name)) after = await spec.find((q, vars, a) => run(q, vars, a ?? spec.admin));
    } catch {
      // not found again
    } finally {
      pinned = null;
    }
    const moved = ["scoreBrief", "closeReportingPeriod", "declineBrief", "acceptReturn"].includes(spec.name) ? "n/a" : after ? after.version - rec.version : "?";
    if (after && winners === 1 && after.version !== rec.version + 1) report.problems.push(`${spec.name}: version moved from ${rec.version} to ${after.version} after one winning edit`);
    report.lines.push(`${spec.name}: v${rec.version} → ${JSON.stringify(codes.map((c) => c ?? "OK"))}, stale ${codeOf(stale) ?? "OK"}, none ${none}, moved ${moved}${newVersion && Array.isArray(newVersion) ? "" : ""}`);
  }
  return report;
}

/** Identical creates at once: a unique key collides. One winner, the rest CONFLICT; never INTERNAL_SERVER_ERROR. */
export async function raceCreates(urls: string[], tag: string): Promise<RaceReport> {
  const officer = await Promise.all(urls.map(async (u) => (await login(u, OFFICER, PASSWORD)).token));
  const adminTokens = await Promise.all(urls.map(async (u) => (await login(u, ADMIN, PASSWORD)).token));
  const run: Run = (q, vars = {}) => ok(urls[0], officer[0], q, vars);
  const ind = { ...first((await run("{ indicators { id } }")).indicators), officeId: (await run("{ me { office { id } } }")).me.office.id };
  const port = first((await run("{ portfolios { id } }")).portfolios);
  const stream = first((await run("{ fundingStreams { id } }")).fundingStreams);
  const measure = first((await run("{ measures { id } }")).measures);
  const contract = first((await run("{ contracts(first: 30) { items { id reportedMeasures { id } } } }")).contracts.items, (x: any) => x.reportedMeasures.length > 0);
  const periodId = (await run('mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }', { q: `20${tag}-${Number(tag) + 1} Q3` })).openReportingPeriod.id;
  const creates: { name: string; admin?: boolean; q: string; vars: Record<string, unknown> }[] = [
    { name: "openReportingPeriod", q: "mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }", vars: { q: `20${tag}-${Number(tag) + 1} Q1` } },
    { name: "createMeasure", q: "mutation($c: String!) { createMeasure(input: { code: $c, name: $c, unit: COUNT }) { id } }", vars: { c: `RACE_M_${tag}` } },
    { name: "createIndicator", q: "mutation($c: String!, $m: [Int!]!) { createIndicator(input: { code: $c, name: $c, unit: COUNT, direction: HIGHER_IS_BETTER, numeratorMeasureIds: $m }) { id } }", vars: { c: `RACE_I_${tag}`, m: [measure.id] } },
    { name: "setTarget (create)", q: "mutation($i: SetTargetInput!) { setTarget(input: $i) { id version } }", vars: { i: { indicatorId: ind.id, portfolioId: port.id, year: `20${tag}-${Number(tag) + 1}`, quarter: 3, value: 5 } } },
    { name: "setFundingStreamYear (create)", q: "mutation($i: FundingStreamYearInput!) { setFundingStreamYear(input: $i) { id version } }", vars: { i: { streamId: stream.id, year: `20${tag}-${Number(tag) + 1}`, amountPence: 500 } } },
    { name: "saveReturnDraft (create)", q: "mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id version } }", vars: { i: { contractId: contract.id, periodId, version: null, values: contract.reportedMeasures.map((m: any) => ({ measureId: m.id, value: 2 })) } } },
    { name: "createUser", admin: true, q: "mutation($e: String!) { createUser(input: { email: $e, name: \"Race user\", password: \"race-password-2026-long\", role: OFFICER, officeId: $o }) { id } }".replace("($e: String!)", "($e: String!, $o: Int)"), vars: { e: `race-${tag}-${Date.now()}@demo.example`, o: ind.officeId } },
  ];
  const report: RaceReport = { lines: [], problems: [], contenders: 0, races: 0 };
  for (const c of creates) {
    const tokens = c.admin ? adminTokens : officer;
    const answers = await Promise.all(Array.from({ length: CONTENDERS }, (_, i) => gql(urls[i % urls.length], tokens[i % urls.length], c.q, c.vars, 30_000)));
    report.races++;
    report.contenders += CONTENDERS;
    const codes = answers.map(codeOf);
    report.lines.push(`${c.name}: ${JSON.stringify(codes.map((x) => x ?? "OK"))}`);
    if (codes.filter((x) => x === null).length !== 1) report.problems.push(`${c.name}: ${codes.filter((x) => x === null).length} winners: ${answers.filter((a) => codeOf(a)).map(describeFailure).slice(0, 2).join(" | ")}`);
    // A duplicate found by the service's own check (BAD_USER_INPUT, "already used") is as good as CONFLICT here;
    // anything else (INTERNAL_SERVER_ERROR above all) is not.
    const bad = answers.filter((a) => codeOf(a) !== null && codeOf(a) !== "CONFLICT" && codeOf(a) !== "BAD_USER_INPUT");
    if (bad.length) report.problems.push(`${c.name}: losers not CONFLICT: ${bad.map(describeFailure).slice(0, 2).join(" | ")}`);
    report.lines.push(`  ${c.name} first loser: ${answers.filter((a) => codeOf(a)).map(describeFailure)[0] ?? "-"}`.slice(0, 220));
  }
  return report;
}

/** Identical submitReturn and uploadReturnsCsv requests with one key, all at once (round robin over `urls`). */
export async function raceIdempotent(urls: string[], quarterA: string, quarterB: string): Promise<RaceReport> {
  const tokens = await Promise.all(urls.map(async (u) => (await login(u, OFFICER, PASSWORD)).token));
  const run: Run = (q, vars = {}) => ok(urls[0], tokens[0], q, vars);
  const report: RaceReport = { lines: [], problems: [], contenders: 0, races: 0 };
  const contracts = (await run("{ contracts(first: 40) { items { id reference reportedMeasures { id code } } } }")).contracts.items.filter((c: any) => c.reportedMeasures.length > 0);
  const pA = (await run("mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }", { q: quarterA })).openReportingPeriod.id;
  const pB = (await run("mutation($q: String!) { openReportingPeriod(quarter: $q) { id } }", { q: quarterB })).openReportingPeriod.id;
  const N = 12;
  for (const c of contracts.slice(0, 4)) {
    const d = (await run("mutation($i: SaveReturnInput!) { saveReturnDraft(input: $i) { id version } }", { i: { contractId: c.id, periodId: pA, version: null, values: c.reportedMeasures.map((m: any) => ({ measureId: m.id, value: 3 })) } })).saveReturnDraft;
    const input = { returnId: d.id, version: d.version, idempotencyKey: `idem-${d.id}-${Date.now()}`, acknowledgements: [] };
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => gql(urls[i % urls.length], tokens[i % urls.length], "mutation($i: SubmitReturnInput!) { submitReturn(input: $i) { id version state revisionCount submittedAt } }", { i: input }, 30_000)));
    report.races++;
    report.contenders += N;
    const codes = answers.map(codeOf);
    const results = new Set(answers.filter((a) => !codeOf(a)).map((a) => JSON.stringify((a.data as any).submitReturn)));
    report.lines.push(`submitReturn ${d.id}: ${JSON.stringify(codes.map((x) => x ?? "OK"))}, ${results.size} distinct result(s)`);
    if (codes.some((x) => x !== null)) report.problems.push(`submitReturn ${d.id}: ${answers.filter((a) => codeOf(a)).map(describeFailure).slice(0, 2).join(" | ")}`);
    if (results.size !== 1) report.problems.push(`submitReturn ${d.id}: ${results.size} distinct results`);
  }
  const csv = "contract_reference,measure_code,value\n" + contracts.slice(4, 10).flatMap((c: any) => c.reportedMeasures.map((m: any) => `${c.reference},${m.code},7`)).join("\n") + "\n";
  const key = `idem-csv-${Date.now()}`;
  const answers = await Promise.all(Array.from({ length: N }, (_, i) => gql(urls[i % urls.length], tokens[i % urls.length], "mutation($p: Int!, $csv: String!, $key: String!) { uploadReturnsCsv(periodId: $p, csv: $csv, idempotencyKey: $key) { totalRows returnsCreated returnsUpdated replayed returns { id version } } }", { p: pB, csv, key }, 30_000)));
  report.races++;
  report.contenders += N;
  const codes = answers.map(codeOf);
  const outs = answers.filter((a) => !codeOf(a)).map((a) => (a.data as any).uploadReturnsCsv);
  report.lines.push(`uploadReturnsCsv: ${JSON.stringify(codes.map((x) => x ?? "OK"))}, ${outs.filter((o) => !o.replayed).length} applied, ${new Set(outs.map((o) => JSON.stringify({ ...o, replayed: null }))).size} distinct result(s)`);
  if (codes.some((x) => x !== null)) report.problems.push(`uploadReturnsCsv: ${answers.filter((a) => codeOf(a)).map(describeFailure).slice(0, 2).join(" | ")}`);
  if (outs.filter((o) => !o.replayed).length !== 1) report.problems.push(`uploadReturnsCsv: ${outs.filter((o) => !o.replayed).length} applied`);
  if (new Set(outs.map((o) => JSON.stringify({ ...o, replayed: null }))).size > 1) report.problems.push("uploadReturnsCsv: different results for one key");
  return report;
}
