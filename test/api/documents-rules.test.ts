import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { Contract, ContractStatus, FundingLine } from "../../server/modules/contracts/contract.entities.js";
import { Decision } from "../../server/modules/decisions/decision.entity.js";
import { FundingStream } from "../../server/modules/funding/funding.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { Provider } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
const COMMISSIONER = "commissioner@wiltshire.demo.example";
const m = (pounds: number) => Math.round(pounds * 100);
let server: TestServer;
let wiltshire: number;
let fund: FundingStream;
let harbour: Provider;

const UPDATE = "mutation($id: Int!, $v: Int!, $input: ContractInput!) { updateContract(id: $id, version: $v, input: $input) { id version status } }";
const CREATE = "mutation($input: ContractInput!) { createContract(input: $input) { id version status } }";
const RECORD = "mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { id version } }";
const PUBLISH = "mutation($id: Int!, $v: Int!) { publishDecision(id: $id, v: $v) { id } }".replace("v: $v", "version: $v");
const problemsOf = (result: any) => (result.errors?.[0]?.extensions?.problems ?? []).map((p: any) => p.rule);

beforeAll(async () => {
  server = await startTestServer();
  const manager = server.services.db.manager;
  wiltshire = (await manager.findOneByOrFail(Office, { code: "wiltshire" })).id;
  fund = await manager.findOneByOrFail(FundingStream, { officeId: wiltshire, name: "Police Property Act Fund" });
  harbour = await manager.findOneByOrFail(Provider, { name: "Harbour Domestic Abuse Services" });
});
afterAll(async () => server?.close());

const line = (amountPence: number, year = "2023-24") => ({ streamId: fund.id, year, amountPence, status: "COMMITTED" });

describe("the documents' funding rules (003)", () => {
  it("applies the Police Property Act Fund's £3,000 cap to an award as a whole: two £2,000 lines on one award fail", async () => {
    const manager = server.services.db.manager;
    const contract = await manager.findOneByOrFail(Contract, { officeId: wiltshire, providerId: harbour.id });
    const linesBefore = await manager.countBy(FundingLine, { contractId: contract.id });
    const split = await server.run<any>(OFFICER, UPDATE, { id: contract.id, v: contract.version, input: { fundingLines: [line(m(2_000)), line(m(2_000))] } });
    expect(codes(split)).toEqual(["BAD_USER_INPUT"]);
    expect(split.errors![0].extensions!.problems).toEqual([expect.objectContaining({ field: "fundingLines.0.amountPence", rule: "maxAward", message: expect.stringContaining("this award comes to £4,000") })]);
    expect(await manager.countBy(FundingLine, { contractId: contract.id })).toBe(linesBefore);
    // Up to the cap in two lines is one £3,000 award, and allowed.
    const atCap = await server.run<any>(OFFICER, UPDATE, { id: contract.id, v: contract.version, input: { fundingLines: [line(m(1_500)), line(m(1_500))] } });
    expect(atCap.errors).toBeUndefined();
  });

  it("makes one award per recipient from a one-off fund, across contracts and across years", async () => {
    const manager = server.services.db.manager;
    const funded = await manager.findOneByOrFail(Contract, { officeId: wiltshire, providerId: harbour.id });
    const base = { portfolioId: funded.portfolioId, providerId: harbour.id, title: "Community safety small grant", mechanism: "GRANT", stage: "DO", status: "LIVE" };
    for (const [reference, year] of [["WSW-PPA-2", "2023-24"], ["WSW-PPA-3", "2024-25"]]) {
      const second = await server.run<any>(OFFICER, CREATE, { input: { ...base, reference, fundingLines: [line(m(1_000), year)] } });
      expect(codes(second)).toEqual(["BAD_USER_INPUT"]);
      expect(problemsOf(second)).toEqual(["oneAwardPerRecipient"]);
      expect(second.errors![0].message).toBeTruthy();
      expect(await manager.countBy(Contract, { reference })).toBe(0);
    }
    // Another organisation may still have its one award.
    const other = await manager
      .createQueryBuilder(Provider, "p")
      .where("p.type = :t AND p.id != :h", { t: "VOLUNTARY_COMMUNITY", h: harbour.id })
      .getOneOrFail();
    const fine = await server.run<any>(OFFICER, CREATE, { input: { ...base, providerId: other.id, reference: "WSW-PPA-4", fundingLines: [line(m(1_000))] } });
    expect(fine.errors).toBeUndefined();
  });
});

describe("decommissioning needs evidence and moves the contract's status (003)", () => {
  const latestAccepted = async (contractId: number) =>
    (await server.services.db.manager
      .createQueryBuilder(PerformanceReturn, "r")
      .innerJoin(ReportingPeriod, "p", "p.id = r.periodId")
      .where("r.contractId = :contractId AND r.state = :s", { contractId, s: ReturnState.ACCEPTED })
      .orderBy("p.year", "DESC")
      .addOrderBy("p.quarter", "DESC")
      .getMany())
      .map((r) => r.id);
  const decision = (contractId: number | null, evidenceReturnIds: number[]) => ({ input: { kind: "DECOMMISSION", title: "Decommission the outreach pilot", rationale: "Outcomes below target for three quarters.", decidedOn: "2024-03-20", contractId, evidenceReturnIds } });

  it("refuses a DECOMMISSION decision with no evidence, a draft, or an older return than the latest accepted, and records nothing", async () => {
    const manager = server.services.db.manager;
    const contract = await manager.findOneByOrFail(Contract, { officeId: wiltshire, reference: "WSW-VV-08" });
    const draft = await manager.findOneByOrFail(PerformanceReturn, { contractId: contract.id, state: ReturnState.DRAFT });
    const [latest, older] = await latestAccepted(contract.id);
    const before = await manager.count(Decision);
    expect(problemsOf(await server.run(OFFICER, RECORD, decision(contract.id, [])))).toEqual(["latestAcceptedReturn"]);
    expect(problemsOf(await server.run(OFFICER, RECORD, decision(contract.id, [draft.id])))).toEqual(["notDraft", "latestAcceptedReturn"]);
    expect(problemsOf(await server.run(OFFICER, RECORD, decision(contract.id, [draft.id, latest])))).toEqual(["notDraft"]);
    expect(problemsOf(await server.run(OFFICER, RECORD, decision(contract.id, [older])))).toEqual(["latestAcceptedReturn"]);
    expect(problemsOf(await server.run(OFFICER, RECORD, decision(null, [latest])))).toEqual(["required"]);
    expect(await manager.count(Decision)).toBe(before);
    expect((await manager.findOneByOrFail(Contract, { id: contract.id })).status).toBe(contract.status);
  });

  it("puts the contract under review when recorded on its latest accepted return, and decommissions it when published", async () => {
    const manager = server.services.db.manager;
    const contract = await manager.findOneByOrFail(Contract, { officeId: wiltshire, reference: "WSW-VV-08" });
    expect(contract.status).toBe(ContractStatus.LIVE);
    const [latest] = await latestAccepted(contract.id);
    const recorded = await server.run<any>(OFFICER, RECORD, decision(contract.id, [latest]));
    expect(recorded.errors).toBeUndefined();
    expect((await manager.findOneByOrFail(Contract, { id: contract.id })).status).toBe(ContractStatus.UNDER_REVIEW);
    const published = await server.run<any>(COMMISSIONER, PUBLISH, { id: recorded.data.recordDecision.id, v: recorded.data.recordDecision.version });
    expect(published.errors).toBeUndefined();
    expect((await manager.findOneByOrFail(Contract, { id: contract.id })).status).toBe(ContractStatus.DECOMMISSIONED);
    const moves = await manager.find(AuditEvent, { where: { action: "contract.status", entityId: contract.id }, order: { id: "ASC" } });
    expect(moves.map((a) => (a.after as any).status)).toEqual(["UNDER_REVIEW", "DECOMMISSIONED"]);
  });

  it("refuses to set a contract DECOMMISSIONED by editing it, or to create one so", async () => {
    const manager = server.services.db.manager;
    const contract = await manager.findOneByOrFail(Contract, { officeId: wiltshire, reference: "WSW-VV-01" });
    const edited = await server.run<any>(OFFICER, UPDATE, { id: contract.id, v: contract.version, input: { status: "DECOMMISSIONED" } });
    expect(codes(edited)).toEqual(["BAD_USER_INPUT"]);
    expect(problemsOf(edited)).toEqual(["decommissionDecision"]);
    expect((await manager.findOneByOrFail(Contract, { id: contract.id })).status).toBe(contract.status);
    const created = await server.run<any>(OFFICER, CREATE, { input: { portfolioId: contract.portfolioId, providerId: contract.providerId, reference: "WSW-GONE", title: "Never live", mechanism: "GRANT", stage: "REVIEW", status: "DECOMMISSIONED" } });
    expect(problemsOf(created)).toEqual(["decommissionDecision"]);
    // A decommissioned contract's other details may still be edited.
    const gone = await manager.findOneByOrFail(Contract, { officeId: wiltshire, reference: "WSW-VV-08" });
    const retitled = await server.run<any>(OFFICER, UPDATE, { id: gone.id, v: gone.version, input: { title: "Outreach pilot (decommissioned)" } });
    expect(retitled.errors).toBeUndefined();
  });
});
