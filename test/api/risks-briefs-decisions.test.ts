import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { ProjectBrief } from "../../server/modules/briefs/project-brief.entity.js";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Decision } from "../../server/modules/decisions/decision.entity.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { Portfolio } from "../../server/modules/portfolios/portfolio.entities.js";
import { Provider } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { Risk, RiskReview } from "../../server/modules/risks/risk.entities.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

/*
 * The risk register, project briefs and commissioning decisions, in-process against the real schema and a
 * temporary SQLite database with the demo seed. Every refused write is checked to have changed nothing.
 */

const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";
const PROVIDER_A = "provider-a@demo.example";

const RISK = "id version title likelihood impact score status escalated ownerName mitigation portfolio { id } reviews { year quarter likelihood impact status note }";
const CREATE_RISK = `mutation($input: CreateRiskInput!) { createRisk(input: $input) { ${RISK} } }`;
const UPDATE_RISK = `mutation($id: Int!, $v: Int!, $input: UpdateRiskInput!) { updateRisk(id: $id, version: $v, input: $input) { ${RISK} } }`;
const REVIEW_RISK = `mutation($id: Int!, $v: Int!, $input: RiskReviewInput!) { reviewRisk(id: $id, version: $v, input: $input) { ${RISK} } }`;
const HEAT_MAP = "query($o: Int, $s: RiskStatus) { riskHeatMap(officeId: $o, status: $s) { officeId total escalated cells { likelihood impact score count riskIds } } }";

const BRIEF = "id version title summary state drivers businessNeedScore driversScore deliverabilityScore totalScore proposedValuePence declineReason portfolio { id } contract { id reference status stage title description annualValuePence startDate mechanism portfolio { id } provider { id } }";
const SUBMIT_BRIEF = `mutation($input: SubmitBriefInput!) { submitBrief(input: $input) { ${BRIEF} } }`;
const SCORE_BRIEF = `mutation($id: Int!, $v: Int!, $s: BriefScoresInput!) { scoreBrief(id: $id, version: $v, scores: $s) { ${BRIEF} } }`;
const APPROVE_BRIEF = `mutation($id: Int!, $v: Int!, $c: BriefContractInput!) { approveBrief(id: $id, version: $v, contract: $c) { ${BRIEF} } }`;
const DECLINE_BRIEF = `mutation($id: Int!, $v: Int!, $r: String!) { declineBrief(id: $id, version: $v, reason: $r) { ${BRIEF} } }`;

const DECISION = "id version kind title rationale decidedOn published evidenceReturnIds evidence { id state contract { id } } contract { id }";
const RECORD_DECISION = `mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { ${DECISION} } }`;
const PUBLISH_DECISION = `mutation($id: Int!, $v: Int!) { publishDecision(id: $id, version: $v) { ${DECISION} } }`;
const DECISIONS = `query($o: Int) { decisions(officeId: $o) { ${DECISION} } }`;

let server: TestServer;
const ids = { wiltshire: 0, dorset: 0, harbour: 0, vv08: 0, vv09: 0, custodyRisk: 0 };
const portfolios = { wiltshire: [] as number[], dorset: [] as number[] };
const m = () => server.services.db.manager;

beforeAll(async () => {
  server = await startTestServer();
  ids.wiltshire = (await m().findOneByOrFail(Office, { code: "wiltshire" })).id;
  ids.dorset = (await m().findOneByOrFail(Office, { code: "dorset" })).id;
  ids.harbour = (await m().findOneByOrFail(Provider, { name: "Harbour Domestic Abuse Services" })).id;
  ids.vv08 = (await m().findOneByOrFail(Contract, { officeId: ids.wiltshire, reference: "WSW-VV-08" })).id;
  ids.vv09 = (await m().findOneByOrFail(Contract, { officeId: ids.wiltshire, reference: "WSW-VV-09" })).id;
  ids.custodyRisk = (await m().findOneByOrFail(Risk, { title: "Custody healthcare provider cannot recruit enough qualified staff" })).id;
  portfolios.wiltshire = (await m().find(Portfolio, { where: { officeId: ids.wiltshire }, order: { id: "ASC" } })).map((p) => p.id);
  portfolios.dorset = (await m().find(Portfolio, { where: { officeId: ids.dorset }, order: { id: "ASC" } })).map((p) => p.id);
});
afterAll(async () => server?.close());

async function ok<T = any>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await server.run<T>(as, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as T;
}

/** Runs an operation that must fail, and gives its single error's code and problems. */
async function refused(as: string, query: string, variables: Record<string, unknown> = {}): Promise<{ code: unknown; problems: { field: string; rule: string }[] | undefined }> {
  const result = await server.run(as, query, variables);
  expect(result.data ?? null).toBeNull();
  expect(result.errors).toHaveLength(1);
  const extensions = (result.errors![0] as { extensions?: any }).extensions ?? {};
  return { code: codes(result)[0], problems: extensions.problems?.map((p: { field: string; rule: string }) => ({ field: p.field, rule: p.rule })) };
}

/** What a refused write might have touched. */
async function snapshot() {
  return {
    risks: await m().find(Risk, { order: { id: "ASC" } }),
    reviews: await m().count(RiskReview),
    briefs: await m().find(ProjectBrief, { order: { id: "ASC" } }),
    contracts: await m().count(Contract),
    decisions: await m().find(Decision, { order: { id: "ASC" } }),
    audit: await m().count(AuditEvent),
  };
}

const newRisk = (overrides: Record<string, unknown> = {}) => ({ title: "Test risk", likelihood: 2, impact: 2, ownerName: "Test Owner", ...overrides });

describe("risk register", () => {
  it("draws the seeded open risks on a 5 × 5 heat map", async () => {
    const { riskHeatMap: map } = await ok(OFFICER, HEAT_MAP);
    expect(map.officeId).toBe(ids.wiltshire);
    expect(map.cells).toHaveLength(25);
    expect(new Set(map.cells.map((c: any) => `${c.likelihood}x${c.impact}`)).size).toBe(25);
    // The seed: custody healthcare 3×4 (escalated), victims' re-procurement 2×4, inflation 4×3 (escalated); the SVD post is CLOSED.
    const filled = map.cells.filter((c: any) => c.count > 0).map((c: any) => [c.likelihood, c.impact, c.count]);
    expect(filled).toEqual([[2, 4, 1], [3, 4, 1], [4, 3, 1]]);
    expect(map.cells.find((c: any) => c.likelihood === 3 && c.impact === 4)).toMatchObject({ score: 12, riskIds: [ids.custodyRisk] });
    expect(map.total).toBe(3);
    expect(map.escalated).toBe(2);

    // The same counts as the register itself.
    const { risks } = await ok(OFFICER, "{ risks { id likelihood impact status escalated } }");
    const open = risks.filter((r: any) => r.status !== "CLOSED");
    for (const cell of map.cells) expect(cell.count, `${cell.likelihood}x${cell.impact}`).toBe(open.filter((r: any) => r.likelihood === cell.likelihood && r.impact === cell.impact).length);
  });

  it("counts created risks, leaves closed ones off and filters by status", async () => {
    const { createRisk: high } = await ok(OFFICER, CREATE_RISK, { input: newRisk({ title: "Provider market collapses", likelihood: 5, impact: 5, escalated: true, portfolioId: portfolios.wiltshire[0] }) });
    expect(high).toMatchObject({ status: "OPEN", score: 25, escalated: true, version: 1, portfolio: { id: portfolios.wiltshire[0] } });
    await ok(COMMISSIONER, CREATE_RISK, { input: newRisk({ title: "Closed on arrival", likelihood: 5, impact: 5, status: "CLOSED" }) });
    const { riskHeatMap: map } = await ok(ANALYST, HEAT_MAP);
    expect(map.cells.find((c: any) => c.likelihood === 5 && c.impact === 5)).toMatchObject({ count: 1, riskIds: [high.id] });
    expect(map.total).toBe(4);
    expect(map.escalated).toBe(3);

    const { riskHeatMap: mitigating } = await ok(OFFICER, HEAT_MAP, { s: "MITIGATING" });
    expect(mitigating.total).toBe(3);
    expect(mitigating.cells.find((c: any) => c.likelihood === 5 && c.impact === 5).count).toBe(0);

    expect((await refused(DORSET_OFFICER, HEAT_MAP, { o: ids.wiltshire })).code).toBe("FORBIDDEN");
    expect((await refused(PROVIDER_A, HEAT_MAP, { o: ids.wiltshire })).code).toBe("FORBIDDEN");
  });

  it("updates a risk against the version read; a stale version is a CONFLICT", async () => {
    const { createRisk: risk } = await ok(OFFICER, CREATE_RISK, { input: newRisk({ title: "Editable risk" }) });
    const { updateRisk: updated } = await ok(OFFICER, UPDATE_RISK, { id: risk.id, v: risk.version, input: { mitigation: "Weekly calls", impact: 4, escalated: true } });
    expect(updated).toMatchObject({ version: risk.version + 1, mitigation: "Weekly calls", impact: 4, likelihood: 2, escalated: true, title: "Editable risk" });

    const before = await snapshot();
    expect((await refused(OFFICER, UPDATE_RISK, { id: risk.id, v: risk.version, input: { title: "Stale edit" } })).code).toBe("CONFLICT");
    expect(await refused(OFFICER, UPDATE_RISK, { id: risk.id, v: updated.version, input: { portfolioId: portfolios.dorset[0] } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "portfolioId", rule: "sameOffice" }] });
    expect(await refused(OFFICER, UPDATE_RISK, { id: risk.id, v: updated.version, input: { title: null } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "title", rule: "required" }] });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses likelihood 6 with BAD_USER_INPUT naming the field and rule, and changes nothing", async () => {
    const risk = await m().findOneByOrFail(Risk, { id: ids.custodyRisk });
    const before = await snapshot();
    expect(await refused(OFFICER, CREATE_RISK, { input: newRisk({ likelihood: 6 }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "likelihood", rule: "max" }] });
    expect(await refused(OFFICER, UPDATE_RISK, { id: risk.id, v: risk.version, input: { likelihood: 6 } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "likelihood", rule: "max" }] });
    expect(await refused(OFFICER, UPDATE_RISK, { id: risk.id, v: risk.version, input: { impact: 0 } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "impact", rule: "min" }] });
    const review = { quarter: "2023-24 Q4", likelihood: 6, impact: 4, status: "MITIGATING" };
    expect(await refused(OFFICER, REVIEW_RISK, { id: risk.id, v: risk.version, input: review })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "likelihood", rule: "max" }] });
    expect(await refused(OFFICER, REVIEW_RISK, { id: risk.id, v: risk.version, input: { ...review, likelihood: 3, quarter: "2023/24 Q4" } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "quarter", rule: "isQuarterLabel" }] });
    expect(await snapshot()).toEqual(before);
  });

  it("keeps every quarterly review, makes the latest current, and refuses a second review of the same quarter", async () => {
    const risk = await m().findOneByOrFail(Risk, { id: ids.custodyRisk });
    const { risks: listed } = await ok(OFFICER, `{ risks { ${RISK} } }`);
    const seeded = listed.find((r: any) => r.id === risk.id);
    expect(seeded.reviews.map((r: any) => r.quarter)).toEqual([1, 2, 3]);
    const audits = await m().count(AuditEvent, { where: { action: "risk.review" } });

    const { reviewRisk: reviewed } = await ok(OFFICER, REVIEW_RISK, { id: risk.id, v: risk.version, input: { quarter: "2023-24 Q4", likelihood: 2, impact: 4, status: "MITIGATING", note: "Attendance target met in January and February." } });
    expect(reviewed).toMatchObject({ likelihood: 2, impact: 4, score: 8, status: "MITIGATING", version: risk.version + 1 });
    expect(reviewed.reviews).toHaveLength(4);
    expect(reviewed.reviews.slice(0, 3)).toEqual(seeded.reviews);
    expect(reviewed.reviews[3]).toEqual({ year: "2023-24", quarter: 4, likelihood: 2, impact: 4, status: "MITIGATING", note: "Attendance target met in January and February." });
    expect(await m().count(AuditEvent, { where: { action: "risk.review" } })).toBe(audits + 1);
    const { riskHeatMap: map } = await ok(OFFICER, HEAT_MAP);
    expect(map.cells.find((c: any) => c.likelihood === 2 && c.impact === 4).riskIds).toContain(risk.id);
    expect(map.cells.find((c: any) => c.likelihood === 3 && c.impact === 4).riskIds).not.toContain(risk.id);

    const before = await snapshot();
    const again = { quarter: "2023-24 Q4", likelihood: 1, impact: 4, status: "CLOSED" };
    expect((await refused(OFFICER, REVIEW_RISK, { id: risk.id, v: reviewed.version, input: again })).code).toBe("CONFLICT");
    expect((await refused(COMMISSIONER, REVIEW_RISK, { id: risk.id, v: reviewed.version, input: { ...again, quarter: "2023-24 Q1" } })).code).toBe("CONFLICT");
    // A stale version is refused even for a fresh quarter.
    expect((await refused(OFFICER, REVIEW_RISK, { id: risk.id, v: risk.version, input: { ...again, quarter: "2024-25 Q1" } })).code).toBe("CONFLICT");
    expect(await refused(OFFICER, REVIEW_RISK, { id: risk.id, v: reviewed.version, input: { ...again, quarter: "2022-23 Q4" } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "quarter", rule: "afterLatestReview" }] });
    expect(await refused(OFFICER, REVIEW_RISK, { id: risk.id, v: reviewed.version, input: { ...again, quarter: "2098-99 Q1" } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "quarter", rule: "started" }] });
    expect(await snapshot()).toEqual(before);
  });

  it("lets no analyst, provider or other office write", async () => {
    const risk = await m().findOneByOrFail(Risk, { id: ids.custodyRisk });
    const before = await snapshot();
    const review = { quarter: "2024-25 Q1", likelihood: 1, impact: 1, status: "CLOSED" };
    for (const who of [ANALYST, PROVIDER_A]) {
      expect((await refused(who, CREATE_RISK, { input: newRisk() })).code).toBe("FORBIDDEN");
      expect((await refused(who, UPDATE_RISK, { id: risk.id, v: risk.version, input: { title: "Nope" } })).code).toBe("FORBIDDEN");
      expect((await refused(who, REVIEW_RISK, { id: risk.id, v: risk.version, input: review })).code).toBe("FORBIDDEN");
    }
    // Naming another office is FORBIDDEN; reaching another office's risk by id is NOT_FOUND.
    expect((await refused(DORSET_OFFICER, CREATE_RISK, { input: newRisk({ officeId: ids.wiltshire }) })).code).toBe("FORBIDDEN");
    expect((await refused(DORSET_OFFICER, UPDATE_RISK, { id: risk.id, v: risk.version, input: { title: "Nope" } })).code).toBe("NOT_FOUND");
    expect((await refused(DORSET_OFFICER, REVIEW_RISK, { id: risk.id, v: risk.version, input: review })).code).toBe("NOT_FOUND");
    expect(await refused(DORSET_OFFICER, CREATE_RISK, { input: newRisk({ portfolioId: portfolios.wiltshire[0] }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "portfolioId", rule: "sameOffice" }] });
    expect(await snapshot()).toEqual(before);
  });
});

describe("project briefs", () => {
  const briefInput = (overrides: Record<string, unknown> = {}) => ({
    title: "Stalking advocacy service",
    summary: "Specialist advocates for victims of stalking; none are commissioned today.",
    portfolioId: portfolios.wiltshire[0],
    drivers: ["EFFECTIVENESS", "COMPLIANCE"],
    proposedValuePence: 4_500_000,
    ...overrides,
  });
  const contractFor = (reference: string) => ({ providerId: ids.harbour, reference, mechanism: "GRANT", startDate: "2025-04-01" });

  async function scoredBrief(overrides: Record<string, unknown> = {}) {
    const { submitBrief: brief } = await ok(OFFICER, SUBMIT_BRIEF, { input: briefInput(overrides) });
    const { scoreBrief: scored } = await ok(OFFICER, SCORE_BRIEF, { id: brief.id, v: brief.version, s: { businessNeedScore: 2, driversScore: 3, deliverabilityScore: 2 } });
    return scored;
  }

  it("submits a brief, scores it 2 × 3 × 2 = 12, and allows rescoring while it is SCORED", async () => {
    const { submitBrief: brief } = await ok(OFFICER, SUBMIT_BRIEF, { input: briefInput() });
    expect(brief).toMatchObject({ state: "SUBMITTED", totalScore: null, businessNeedScore: null, drivers: ["EFFECTIVENESS", "COMPLIANCE"], proposedValuePence: 4_500_000, contract: null, version: 1 });
    const { scoreBrief: scored } = await ok(OFFICER, SCORE_BRIEF, { id: brief.id, v: brief.version, s: { businessNeedScore: 2, driversScore: 3, deliverabilityScore: 2 } });
    expect(scored).toMatchObject({ state: "SCORED", businessNeedScore: 2, driversScore: 3, deliverabilityScore: 2, totalScore: 12, version: 2 });
    const { scoreBrief: rescored } = await ok(COMMISSIONER, SCORE_BRIEF, { id: brief.id, v: scored.version, s: { businessNeedScore: 3, driversScore: 3, deliverabilityScore: 2 } });
    expect(rescored).toMatchObject({ state: "SCORED", totalScore: 18, version: 3 });
    expect(await m().count(AuditEvent, { where: { entityType: "ProjectBrief", entityId: brief.id } })).toBe(3);

    const before = await snapshot();
    expect((await refused(OFFICER, SCORE_BRIEF, { id: brief.id, v: scored.version, s: { businessNeedScore: 1, driversScore: 1, deliverabilityScore: 1 } })).code).toBe("CONFLICT");
    expect(await refused(OFFICER, SCORE_BRIEF, { id: brief.id, v: rescored.version, s: { businessNeedScore: 4, driversScore: 1, deliverabilityScore: -1 } })).toEqual({
      code: "BAD_USER_INPUT",
      problems: [{ field: "businessNeedScore", rule: "max" }, { field: "deliverabilityScore", rule: "min" }],
    });
    expect(await refused(OFFICER, SUBMIT_BRIEF, { input: briefInput({ drivers: [] }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "drivers", rule: "arrayMinSize" }] });
    expect(await refused(OFFICER, SUBMIT_BRIEF, { input: briefInput({ portfolioId: portfolios.dorset[0] }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "portfolioId", rule: "sameOffice" }] });
    expect(await snapshot()).toEqual(before);
  });

  it("approving creates a PIPELINE contract from the brief, visible in contracts, in the same transaction", async () => {
    const brief = await scoredBrief();
    const contracts = await m().count(Contract);
    const { approveBrief: approved } = await ok(COMMISSIONER, APPROVE_BRIEF, { id: brief.id, v: brief.version, c: contractFor("WSW-VV-NEW-1") });
    expect(approved).toMatchObject({
      state: "APPROVED",
      version: brief.version + 1,
      totalScore: 12,
      contract: {
        reference: "WSW-VV-NEW-1",
        status: "PIPELINE",
        stage: "PLAN",
        title: brief.title,
        description: brief.summary,
        annualValuePence: 4_500_000,
        startDate: "2025-04-01",
        mechanism: "GRANT",
        portfolio: { id: portfolios.wiltshire[0] },
        provider: { id: ids.harbour },
      },
    });
    expect(await m().count(Contract)).toBe(contracts + 1);
    const { contracts: pipeline } = await ok(OFFICER, "{ contracts(status: PIPELINE, first: 100) { items { id reference status } } }");
    expect(pipeline.items).toContainEqual({ id: approved.contract.id, reference: "WSW-VV-NEW-1", status: "PIPELINE" });
    const actions = (await m().find(AuditEvent, { order: { id: "ASC" } })).slice(-2).map((a) => [a.action, a.entityId]);
    expect(actions).toEqual([["contract.create", approved.contract.id], ["project_brief.approve", brief.id]]);

    const before = await snapshot();
    expect((await refused(COMMISSIONER, APPROVE_BRIEF, { id: brief.id, v: approved.version, c: contractFor("WSW-VV-NEW-2") })).code).toBe("CONFLICT");
    expect((await refused(COMMISSIONER, DECLINE_BRIEF, { id: brief.id, v: approved.version, r: "Changed my mind" })).code).toBe("CONFLICT");
    expect((await refused(OFFICER, SCORE_BRIEF, { id: brief.id, v: approved.version, s: { businessNeedScore: 1, driversScore: 1, deliverabilityScore: 1 } })).code).toBe("CONFLICT");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses to approve an unscored brief (CONFLICT), one without a portfolio or with a taken reference (BAD_USER_INPUT), and creates nothing", async () => {
    const { submitBrief: unscored } = await ok(OFFICER, SUBMIT_BRIEF, { input: briefInput({ title: "Unscored" }) });
    const noPortfolio = await scoredBrief({ title: "No portfolio", portfolioId: null });
    const scored = await scoredBrief({ title: "Reference clash" });
    const before = await snapshot();
    expect((await refused(COMMISSIONER, APPROVE_BRIEF, { id: unscored.id, v: unscored.version, c: contractFor("WSW-X-1") })).code).toBe("CONFLICT");
    expect((await refused(COMMISSIONER, DECLINE_BRIEF, { id: unscored.id, v: unscored.version, r: "Not yet scored" })).code).toBe("CONFLICT");
    expect(await refused(COMMISSIONER, APPROVE_BRIEF, { id: noPortfolio.id, v: noPortfolio.version, c: contractFor("WSW-X-2") })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "portfolioId", rule: "required" }] });
    expect(await refused(COMMISSIONER, APPROVE_BRIEF, { id: noPortfolio.id, v: noPortfolio.version, c: { ...contractFor("WSW-X-2"), portfolioId: portfolios.dorset[0] } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "portfolioId", rule: "sameOffice" }] });
    expect(await refused(COMMISSIONER, APPROVE_BRIEF, { id: scored.id, v: scored.version, c: contractFor("WSW-VV-01") })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "reference", rule: "unique" }] });
    expect(await refused(COMMISSIONER, APPROVE_BRIEF, { id: scored.id, v: scored.version, c: { ...contractFor("WSW-X-3"), startDate: "2025-02-30" } })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "startDate", rule: "isIsoDate" }] });
    expect((await refused(COMMISSIONER, APPROVE_BRIEF, { id: scored.id, v: scored.version - 1, c: contractFor("WSW-X-3") })).code).toBe("CONFLICT");
    expect(await snapshot()).toEqual(before);

    // A brief submitted without a portfolio is given one at approval.
    const { approveBrief: approved } = await ok(COMMISSIONER, APPROVE_BRIEF, { id: noPortfolio.id, v: noPortfolio.version, c: { ...contractFor("WSW-X-2"), portfolioId: portfolios.wiltshire[1] } });
    expect(approved).toMatchObject({ state: "APPROVED", portfolio: { id: portfolios.wiltshire[1] }, contract: { portfolio: { id: portfolios.wiltshire[1] } } });
  });

  it("lets only the Commissioner decide: an officer cannot approve, an analyst or provider cannot write, another office cannot reach the brief", async () => {
    const brief = await scoredBrief({ title: "Permissions" });
    const before = await snapshot();
    expect((await refused(OFFICER, APPROVE_BRIEF, { id: brief.id, v: brief.version, c: contractFor("WSW-P-1") })).code).toBe("FORBIDDEN");
    expect((await refused(OFFICER, DECLINE_BRIEF, { id: brief.id, v: brief.version, r: "No" })).code).toBe("FORBIDDEN");
    for (const who of [ANALYST, PROVIDER_A]) {
      expect((await refused(who, SUBMIT_BRIEF, { input: briefInput() })).code).toBe("FORBIDDEN");
      expect((await refused(who, SCORE_BRIEF, { id: brief.id, v: brief.version, s: { businessNeedScore: 1, driversScore: 1, deliverabilityScore: 1 } })).code).toBe("FORBIDDEN");
      expect((await refused(who, APPROVE_BRIEF, { id: brief.id, v: brief.version, c: contractFor("WSW-P-1") })).code).toBe("FORBIDDEN");
    }
    expect((await refused(DORSET_OFFICER, SCORE_BRIEF, { id: brief.id, v: brief.version, s: { businessNeedScore: 1, driversScore: 1, deliverabilityScore: 1 } })).code).toBe("NOT_FOUND");
    expect((await refused(DORSET_OFFICER, SUBMIT_BRIEF, { input: briefInput({ officeId: ids.wiltshire }) })).code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("declines a scored brief with its reason", async () => {
    const brief = await scoredBrief({ title: "To decline" });
    expect(await refused(COMMISSIONER, DECLINE_BRIEF, { id: brief.id, v: brief.version, r: "   " })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "reason", rule: "required" }] });
    expect(await refused(COMMISSIONER, DECLINE_BRIEF, { id: brief.id, v: brief.version, r: "\u200b\u2060\ufeff" })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "reason", rule: "required" }] });
    const { declineBrief: declined } = await ok(COMMISSIONER, DECLINE_BRIEF, { id: brief.id, v: brief.version, r: "Duplicates the existing ISVA service." });
    expect(declined).toMatchObject({ state: "DECLINED", declineReason: "Duplicates the existing ISVA service.", contract: null, totalScore: 12 });
  });
});

describe("commissioning decisions", () => {
  const returnsOf = async (contractId: number) => m().find(PerformanceReturn, { where: { contractId, state: ReturnState.ACCEPTED }, order: { id: "ASC" } });
  const decisionInput = (overrides: Record<string, unknown> = {}) => ({
    kind: "EXTEND",
    title: "Extend the domestic abuse outreach service",
    rationale: "Cases closed with improved outcomes have met target in every quarter of 2023-24.",
    decidedOn: "2024-03-20",
    evidenceReturnIds: [],
    ...overrides,
  });

  it("records a decision citing the office's returns and resolves them as evidence", async () => {
    const evidence = (await returnsOf(ids.vv08)).slice(0, 2).map((r) => r.id);
    const { recordDecision: decision } = await ok(OFFICER, RECORD_DECISION, { input: decisionInput({ contractId: ids.vv08, evidenceReturnIds: evidence }) });
    expect(decision).toMatchObject({ kind: "EXTEND", published: false, version: 1, evidenceReturnIds: evidence, contract: { id: ids.vv08 } });
    expect(decision.evidence).toEqual(evidence.map((id) => ({ id, state: "ACCEPTED", contract: { id: ids.vv08 } })));
    // Office-wide decisions may cite any of the office's returns.
    const mixed = [...evidence.slice(0, 1), ...(await returnsOf(ids.vv09)).slice(0, 1).map((r) => r.id)];
    const { recordDecision: wide } = await ok(COMMISSIONER, RECORD_DECISION, { input: decisionInput({ kind: "VARY", title: "Rebalance outreach funding", evidenceReturnIds: mixed }) });
    expect(wide.evidence.map((r: any) => r.id)).toEqual(mixed);
  });

  it("refuses evidence from another office, another contract, or nowhere (BAD_USER_INPUT), and records nothing", async () => {
    const wiltshireReturn = (await returnsOf(ids.vv08))[0].id;
    const otherContractReturn = (await returnsOf(ids.vv09))[0].id;
    const before = await snapshot();
    expect(await refused(DORSET_OFFICER, RECORD_DECISION, { input: decisionInput({ evidenceReturnIds: [wiltshireReturn] }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "evidenceReturnIds.0", rule: "sameOffice" }] });
    expect(await refused(OFFICER, RECORD_DECISION, { input: decisionInput({ evidenceReturnIds: [wiltshireReturn, 987_654] }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "evidenceReturnIds.1", rule: "sameOffice" }] });
    expect(await refused(OFFICER, RECORD_DECISION, { input: decisionInput({ contractId: ids.vv08, evidenceReturnIds: [wiltshireReturn, otherContractReturn] }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "evidenceReturnIds.1", rule: "sameContract" }] });
    expect(await refused(DORSET_OFFICER, RECORD_DECISION, { input: decisionInput({ contractId: ids.vv08 }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "contractId", rule: "sameOffice" }] });
    expect(await refused(OFFICER, RECORD_DECISION, { input: decisionInput({ decidedOn: "20 March 2024" }) })).toEqual({ code: "BAD_USER_INPUT", problems: [{ field: "decidedOn", rule: "isIsoDate" }] });
    for (const who of [ANALYST, PROVIDER_A]) expect((await refused(who, RECORD_DECISION, { input: decisionInput() })).code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("hides unpublished decisions from analysts until the Commissioner publishes them", async () => {
    // A decision to decommission cites the contract's latest accepted return (003).
    const latest = await m()
      .createQueryBuilder(PerformanceReturn, "r")
      .innerJoin(ReportingPeriod, "p", "p.id = r.periodId")
      .where("r.contractId = :c AND r.state = :s", { c: ids.vv08, s: ReturnState.ACCEPTED })
      .orderBy("p.year", "DESC")
      .addOrderBy("p.quarter", "DESC")
      .getOneOrFail();
    const evidence = [latest.id];
    const { recordDecision: decision } = await ok(OFFICER, RECORD_DECISION, { input: decisionInput({ title: "Decommission the pilot", kind: "DECOMMISSION", contractId: ids.vv08, evidenceReturnIds: evidence }) });
    const seen = async (who: string) => (await ok(who, DECISIONS)).decisions.map((d: any) => d.id);
    expect(await seen(OFFICER)).toContain(decision.id);
    expect(await seen(ANALYST)).not.toContain(decision.id);

    const before = await snapshot();
    expect((await refused(OFFICER, PUBLISH_DECISION, { id: decision.id, v: decision.version })).code).toBe("FORBIDDEN");
    expect((await refused(ANALYST, PUBLISH_DECISION, { id: decision.id, v: decision.version })).code).toBe("FORBIDDEN");
    expect((await refused(COMMISSIONER, PUBLISH_DECISION, { id: decision.id, v: decision.version + 1 })).code).toBe("CONFLICT");
    expect(await snapshot()).toEqual(before);

    const { publishDecision: published } = await ok(COMMISSIONER, PUBLISH_DECISION, { id: decision.id, v: decision.version });
    expect(published).toMatchObject({ published: true, version: decision.version + 1 });
    const analystView = (await ok(ANALYST, DECISIONS)).decisions.find((d: any) => d.id === decision.id);
    expect(analystView).toMatchObject({ published: true, evidence: [{ id: evidence[0], state: "ACCEPTED" }] });
    expect((await refused(COMMISSIONER, PUBLISH_DECISION, { id: decision.id, v: published.version })).code).toBe("CONFLICT");
    expect(await m().count(AuditEvent, { where: { action: "decision.publish", entityId: decision.id } })).toBe(1);
  });
});
