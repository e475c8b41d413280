import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { Contract, FundingLine } from "../../server/modules/contracts/contract.entities.js";
import { FundingStream } from "../../server/modules/funding/funding.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const ADMIN = "admin@demo.example";
const WILTSHIRE_OFFICER = "officer@wiltshire.demo.example";
const m = (pounds: number) => Math.round(pounds * 100);
let server: TestServer;
const offices: Record<string, number> = {};

const SUMMARY = `query($o: Int, $y: String!) { moneySummary(officeId: $o, year: $y) {
  totalPence committedPence plannedPence
  streams { streamId name parentId includesChildren amountPence allocatedPence committedPence plannedPence remainingPence overCommittedPence warnings }
  portfolios { portfolio { name } allocatedPence committedPence plannedPence remainingPence overCommittedPence warnings } } }`;

async function summary(code: string, year: string) {
  const result = await server.run<any>(ADMIN, SUMMARY, { o: offices[code], y: year });
  expect(result.errors).toBeUndefined();
  return result.data!.moneySummary;
}
const stream = (money: any, name: string) => money.streams.find((s: { name: string }) => s.name === name);

const UPDATE = "mutation($id: Int!, $v: Int!, $lines: [FundingLineInput!], $reason: String) { updateContract(id: $id, version: $v, input: { fundingLines: $lines, overCommitmentReason: $reason }) { id version } }";

beforeAll(async () => {
  server = await startTestServer();
  for (const office of await server.services.db.manager.find(Office)) offices[office.code] = office.id;
});
afterAll(async () => server?.close());

describe("money that adds up", () => {
  it("rolls the Safer Dorset Fund up from its five funds: £2.45m, Dorset's committed £1,733k and planned £551k within it", async () => {
    const money = await summary("dorset", "2019-20");
    const sdf = stream(money, "Safer Dorset Fund");
    expect(sdf.includesChildren).toBe(true);
    expect(sdf.amountPence).toBe(m(2_450_000));
    const children = money.streams.filter((s: any) => s.parentId === sdf.streamId);
    expect(children).toHaveLength(5);
    expect(sdf.amountPence).toBe(children.reduce((s: number, c: any) => s + c.amountPence, 0));
    expect(sdf.committedPence).toBe(children.reduce((s: number, c: any) => s + c.committedPence, 0));
    expect(sdf.plannedPence).toBe(children.reduce((s: number, c: any) => s + c.plannedPence, 0));
    const pcsFunds = ["Commissioner's Safety Fund", "Local Innovation Fund", "Victims Core Fund", "Victims Fund – CSA Element"];
    expect(pcsFunds.reduce((s, f) => s + stream(money, f).committedPence, 0)).toBe(m(1_733_000));
    expect(pcsFunds.reduce((s, f) => s + stream(money, f).plannedPence, 0)).toBe(m(551_000));
    // Office totals still count each pound once: the five funds plus the £250k reserve, not the parent again.
    expect(money.totalPence).toBe(m(2_450_000 + 250_000));
    expect(sdf.remainingPence).toBe(sdf.amountPence - sdf.committedPence - sdf.plannedPence);
  });

  it("warns on Dorset's Local Innovation Fund: £178k committed + £523k planned is £11,000 beyond its £690k", async () => {
    const money = await summary("dorset", "2019-20");
    const lif = stream(money, "Local Innovation Fund");
    expect(lif.remainingPence).toBe(-m(11_000));
    expect(lif.overCommittedPence).toBe(m(11_000));
    expect(lif.warnings[0]).toBe("Over-committed: committed £178,000 + planned £523,000 is £11,000 more than the £690,000 available.");
    // Funds within their amount carry no such warning.
    expect(stream(money, "Commissioner's Safety Fund").overCommittedPence).toBe(0);
    expect(stream(money, "Commissioner's Safety Fund").warnings.filter((w: string) => w.startsWith("Over-committed"))).toEqual([]);
  });

  it("refuses a £5m commitment against Wiltshire's £2.939m PCC budget, changes nothing, and accepts it only with an officer's reason, audited", async () => {
    const manager = server.services.db.manager;
    const pcc = await manager.findOneByOrFail(FundingStream, { officeId: offices.wiltshire, name: "PCC Commissioning Budget" });
    const contract = (await manager.find(Contract, { where: { officeId: offices.wiltshire }, order: { id: "ASC" } }))[0];
    const before = await manager.findBy(FundingLine, { contractId: contract.id });
    const lines = [...before.map((l) => ({ streamId: l.streamId, year: l.year, amountPence: l.amountPence, status: l.status })), { streamId: pcc.id, year: "2023-24", amountPence: m(5_000_000), status: "COMMITTED" }];

    const refused = await server.http<any>(WILTSHIRE_OFFICER, UPDATE, { id: contract.id, v: contract.version, lines });
    expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
    const problems = (refused.errors![0] as any).extensions.problems;
    expect(problems.map((p: any) => p.rule)).toContain("overCommitted");
    expect(problems.find((p: any) => p.message.startsWith("PCC Commissioning Budget holds £2,939,000 in 2023-24"))).toBeTruthy();
    expect(await manager.findBy(FundingLine, { contractId: contract.id })).toHaveLength(before.length);
    expect((await manager.findOneByOrFail(Contract, { id: contract.id })).version).toBe(contract.version);

    // A reason that is only whitespace is no reason.
    expect(codes(await server.run(WILTSHIRE_OFFICER, UPDATE, { id: contract.id, v: contract.version, lines, reason: "      " }))).toEqual(["BAD_USER_INPUT"]);

    const overridden = await server.http<any>(WILTSHIRE_OFFICER, UPDATE, { id: contract.id, v: contract.version, lines, reason: "Underwritten by the Chief Finance Officer pending the grant" });
    expect(overridden.errors).toBeUndefined();
    const audit = await manager.findOneByOrFail(AuditEvent, { action: "contract.over_commitment_override", entityId: contract.id });
    expect(JSON.stringify(audit.after)).toContain("Underwritten by the Chief Finance Officer pending the grant");
    expect(JSON.stringify(audit.after)).toContain("PCC Commissioning Budget");

    const money = await summary("wiltshire", "2023-24");
    expect(stream(money, "PCC Commissioning Budget").overCommittedPence).toBeGreaterThan(0);
    expect(stream(money, "PCC Commissioning Budget").warnings[0]).toMatch(/^Over-committed/);
    expect(money.portfolios.some((p: any) => p.overCommittedPence > 0 && p.warnings[0]?.startsWith("Over-committed"))).toBe(true);
  });

  it("lets an already over-committed fund's contracts be edited without adding to it, and refuses a penny more", async () => {
    const manager = server.services.db.manager;
    const lif = await manager.findOneByOrFail(FundingStream, { officeId: offices.dorset, name: "Local Innovation Fund" });
    const line = await manager.findOneByOrFail(FundingLine, { streamId: lif.id, year: "2019-20" });
    const contract = await manager.findOneByOrFail(Contract, { id: line.contractId });
    const lines = (await manager.findBy(FundingLine, { contractId: contract.id })).map((l) => ({ streamId: l.streamId, year: l.year, amountPence: l.amountPence, status: l.status }));
    const same = await server.run<any>(ADMIN, UPDATE, { id: contract.id, v: contract.version, lines });
    expect(same.errors).toBeUndefined();
    const more = lines.map((l) => (l.streamId === lif.id ? { ...l, amountPence: l.amountPence + 1 } : l));
    const refused = await server.run<any>(ADMIN, UPDATE, { id: contract.id, v: same.data.updateContract.version, lines: more });
    expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
    expect((refused.errors![0] as any).extensions.problems.map((p: any) => p.message).join(" ")).toContain("Local Innovation Fund");
    // The parent is judged too: a line straight on the Safer Dorset Fund, beyond what its funds hold, is refused.
    const sdf = await manager.findOneByOrFail(FundingStream, { officeId: offices.dorset, name: "Safer Dorset Fund" });
    const onParent = await server.run<any>(ADMIN, UPDATE, { id: contract.id, v: same.data.updateContract.version, lines: [...lines, { streamId: sdf.id, year: "2019-20", amountPence: m(500_000), status: "PLANNED" }] });
    expect(codes(onParent)).toEqual(["BAD_USER_INPUT"]);
    expect((onParent.errors![0] as any).extensions.problems.map((p: any) => p.message).join(" ")).toContain("Safer Dorset Fund holds £2,450,000");
  });

  it("refuses the same over-commitment on a new contract, and creates nothing", async () => {
    const manager = server.services.db.manager;
    const pcc = await manager.findOneByOrFail(FundingStream, { officeId: offices.wiltshire, name: "PCC Commissioning Budget" });
    const existing = (await manager.find(Contract, { where: { officeId: offices.wiltshire }, order: { id: "ASC" } }))[1];
    const count = await manager.countBy(Contract, { officeId: offices.wiltshire });
    const created = await server.run<any>(WILTSHIRE_OFFICER, "mutation($input: ContractInput!) { createContract(input: $input) { id } }", {
      input: { portfolioId: existing.portfolioId, providerId: existing.providerId, reference: "WSW-BIG-1", title: "A very large commitment", mechanism: "CONTRACTED_SERVICE", stage: "DO", status: "LIVE", fundingLines: [{ streamId: pcc.id, year: "2023-24", amountPence: m(5_000_000), status: "PLANNED" }] },
    });
    expect(codes(created)).toEqual(["BAD_USER_INPUT"]);
    expect((created.errors![0] as any).extensions.problems.map((p: any) => p.rule)).toContain("overCommitted");
    expect(await manager.countBy(Contract, { officeId: offices.wiltshire })).toBe(count);
  });
});
