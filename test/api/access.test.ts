import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { Provider } from "../../server/modules/providers/provider.entity.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const USERS = {
  admin: "admin@demo.example",
  commissioner: "commissioner@wiltshire.demo.example",
  officer: "officer@wiltshire.demo.example",
  analyst: "analyst@wiltshire.demo.example",
  dorsetOfficer: "officer@dorset.demo.example",
  providerA: "provider-a@demo.example", // Victim Support: a Wiltshire and a Dorset contract
  providerB: "provider-b@demo.example", // Harbour: Wiltshire only
  anonymous: null,
} as const;
type Who = keyof typeof USERS;
const OK = "ok";

let server: TestServer;
const ids = { wiltshire: 0, dorset: 0, harbourContract: 0, victimSupportDorsetContract: 0, harbourProvider: 0, submittedReturn: 0, acceptedReturn: 0 };

beforeAll(async () => {
  server = await startTestServer();
  const m = server.services.db.manager;
  ids.wiltshire = (await m.findOneByOrFail(Office, { code: "wiltshire" })).id;
  ids.dorset = (await m.findOneByOrFail(Office, { code: "dorset" })).id;
  const harbour = await m.findOneByOrFail(Provider, { name: "Harbour Domestic Abuse Services" });
  const victimSupport = await m.findOneByOrFail(Provider, { name: "Victim Support" });
  ids.harbourProvider = harbour.id;
  ids.harbourContract = (await m.findOneByOrFail(Contract, { providerId: harbour.id, officeId: ids.wiltshire })).id;
  ids.victimSupportDorsetContract = (await m.findOneByOrFail(Contract, { providerId: victimSupport.id, officeId: ids.dorset })).id;
  const wiltshireReturns = await m.createQueryBuilder(PerformanceReturn, "r").innerJoin(Contract, "c", "c.id = r.contractId").where("c.officeId = :o", { o: ids.wiltshire }).getMany();
  ids.submittedReturn = wiltshireReturns.find((r) => r.state === ReturnState.SUBMITTED)!.id;
  ids.acceptedReturn = wiltshireReturns.find((r) => r.state === ReturnState.ACCEPTED)!.id;
});
afterAll(async () => server?.close());

async function outcome(who: Who, query: string, variables: Record<string, unknown> = {}): Promise<string> {
  const result = await server.run(USERS[who], query, variables);
  return result.errors?.length ? String(codes(result)[0]) : OK;
}

async function contractVersion(id: number): Promise<number> {
  return (await server.services.db.manager.findOneByOrFail(Contract, { id })).version;
}

interface Case {
  name: string;
  query: string;
  variables: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  expect: Record<Who, string>;
}

const CASES: Case[] = [
  {
    name: "read Wiltshire's funding streams",
    query: "query($o: Int) { fundingStreams(officeId: $o) { id } }",
    variables: () => ({ o: ids.wiltshire }),
    expect: { admin: OK, commissioner: OK, officer: OK, analyst: OK, dorsetOfficer: "FORBIDDEN", providerA: "FORBIDDEN", providerB: "FORBIDDEN", anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "read a Wiltshire contract held by provider B",
    query: "query($id: Int!) { contract(id: $id) { id title provider { name } } }",
    variables: () => ({ id: ids.harbourContract }),
    expect: { admin: OK, commissioner: OK, officer: OK, analyst: OK, dorsetOfficer: "NOT_FOUND", providerA: "NOT_FOUND", providerB: OK, anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "read a Dorset contract held by provider A",
    query: "query($id: Int!) { contract(id: $id) { id } }",
    variables: () => ({ id: ids.victimSupportDorsetContract }),
    expect: { admin: OK, commissioner: "NOT_FOUND", officer: "NOT_FOUND", analyst: "NOT_FOUND", dorsetOfficer: OK, providerA: OK, providerB: "NOT_FOUND", anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "list Dorset's contracts by naming the office",
    query: "query($o: Int) { contracts(officeId: $o) { totalCount } }",
    variables: () => ({ o: ids.dorset }),
    expect: { admin: OK, commissioner: "FORBIDDEN", officer: "FORBIDDEN", analyst: "FORBIDDEN", dorsetOfficer: OK, providerA: OK, providerB: OK, anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "rename a Wiltshire contract",
    query: "mutation($id: Int!, $v: Int!) { updateContract(id: $id, version: $v, input: { title: \"Domestic abuse outreach\" }) { id } }",
    variables: async () => ({ id: ids.harbourContract, v: await contractVersion(ids.harbourContract) }),
    expect: { admin: OK, commissioner: OK, officer: OK, analyst: "FORBIDDEN", dorsetOfficer: "NOT_FOUND", providerA: "FORBIDDEN", providerB: "FORBIDDEN", anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "create a funding stream in Dorset",
    query: 'mutation($o: Int) { createFundingStream(input: { officeId: $o, name: "Test fund", source: OTHER }) { id } }',
    variables: () => ({ o: ids.dorset }),
    expect: { admin: OK, commissioner: "FORBIDDEN", officer: "FORBIDDEN", analyst: "FORBIDDEN", dorsetOfficer: OK, providerA: "FORBIDDEN", providerB: "FORBIDDEN", anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "create a user",
    query: 'mutation($e: String!) { createUser(input: { email: $e, name: "New person", password: "a-long-password-1", role: ANALYST, officeId: 1 }) { id } }',
    variables: () => ({ e: `new-${Math.random().toString(36).slice(2)}@example.org` }),
    // Office 1 is Wiltshire: its Commissioner manages its staff (user-management.test.ts has the rest).
    expect: { admin: OK, commissioner: OK, officer: "FORBIDDEN", analyst: "FORBIDDEN", dorsetOfficer: "FORBIDDEN", providerA: "FORBIDDEN", providerB: "FORBIDDEN", anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "read a submitted (not yet accepted) Wiltshire return",
    query: "query($id: Int!) { performanceReturn(id: $id) { id state } }",
    variables: () => ({ id: ids.submittedReturn }),
    expect: { admin: OK, commissioner: OK, officer: OK, analyst: "NOT_FOUND", dorsetOfficer: "NOT_FOUND", providerA: "NOT_FOUND", providerB: "NOT_FOUND", anonymous: "UNAUTHENTICATED" },
  },
  {
    name: "read the audit trail",
    query: "query($o: Int) { auditEvents(officeId: $o) { totalCount } }",
    variables: () => ({ o: ids.wiltshire }),
    expect: { admin: OK, commissioner: OK, officer: OK, analyst: "FORBIDDEN", dorsetOfficer: "FORBIDDEN", providerA: "FORBIDDEN", providerB: "FORBIDDEN", anonymous: "UNAUTHENTICATED" },
  },
];

describe("access rules: every role against a sample of operations", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const seen: Record<string, string> = {};
      for (const who of Object.keys(USERS) as Who[]) seen[who] = await outcome(who, c.query, await c.variables());
      expect(seen).toEqual(c.expect);
    });
  }

  it("shows a provider user only its own provider and its own contracts, in every office", async () => {
    const result = await server.run<any>(USERS.providerA, "{ providers { items { name } } contracts(first: 100) { items { office { code } provider { name } } } offices { code } }");
    expect(result.errors).toBeUndefined();
    expect(result.data!.providers.items).toEqual([{ name: "Victim Support" }]);
    const contracts = result.data!.contracts.items as { office: { code: string }; provider: { name: string } }[];
    expect(new Set(contracts.map((c) => c.provider.name))).toEqual(new Set(["Victim Support"]));
    expect(new Set(contracts.map((c) => c.office.code))).toEqual(new Set(["wiltshire", "dorset"]));
    expect(result.data!.offices.map((o: { code: string }) => o.code).sort()).toEqual(["dorset", "wiltshire"]);
  });

  it("lets analysts see accepted returns only", async () => {
    const result = await server.run<any>(USERS.analyst, "{ returns(first: 100) { totalCount items { state } } }");
    expect(result.errors).toBeUndefined();
    expect(result.data!.returns.totalCount).toBeGreaterThan(0);
    expect(new Set(result.data!.returns.items.map((r: { state: string }) => r.state))).toEqual(new Set(["ACCEPTED"]));
    expect(await outcome("analyst", "query($id: Int!) { performanceReturn(id: $id) { id } }", { id: ids.acceptedReturn })).toBe(OK);
  });

  it("ends a session once the user is deactivated", async () => {
    const token = await server.tokenFor(USERS.dorsetOfficer);
    const before = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: "{ me { email } }" }) });
    expect(((await before.json()) as any).data.me.email).toBe(USERS.dorsetOfficer);
    const dorsetOfficer = await server.run<any>(USERS.admin, "query($o: Int) { users(officeId: $o) { id email } }", { o: ids.dorset });
    const id = dorsetOfficer.data!.users.find((u: { email: string }) => u.email === USERS.dorsetOfficer).id;
    expect((await server.run(USERS.admin, "mutation($id: Int!) { updateUser(id: $id, version: 1, input: { active: false }) { active } }", { id })).errors).toBeUndefined();
    const after = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: "{ contracts { totalCount } }" }) });
    expect(codes((await after.json()) as never)).toEqual(["UNAUTHENTICATED"]);
  });
});

describe("administrators manage offices", () => {
  it("renames an office; nobody else may", async () => {
    const rename = 'mutation($id: Int!) { updateOffice(id: $id, version: 1, input: { commissionerTitle: "Police, Crime and Victims\' Commissioner" }) { commissionerTitle } }';
    expect(codes(await server.run(USERS.commissioner, rename, { id: ids.wiltshire }))).toEqual(["FORBIDDEN"]);
    const done = await server.run<any>(USERS.admin, rename, { id: ids.wiltshire });
    expect(done.data!.updateOffice.commissionerTitle).toBe("Police, Crime and Victims' Commissioner");
  });
});

describe("nested paths reach no more than the root queries allow", () => {
  const CONTRACT_PATHS = `{ contracts(first: 100) { items { id reference annualValuePence potentialValuePence reviewWindow plannedStartDate
      portfolio { id name allocations { id amountPence } priorities { id } }
      fundingLines { year amountPence stream { id name years { year amountPence } year(year: "2023-24") { amountPence } children { id name } parent { id } } }
      mainPriority { id plan { id priorities { id title } } } otherPriorities { id } } } }`;

  it("gives a provider no office allocations through contracts → portfolio → allocations (the office still sees them)", async () => {
    const provider = await server.run<any>(USERS.providerB, CONTRACT_PATHS);
    expect(provider.errors).toBeUndefined();
    const items = provider.data!.contracts.items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((c: any) => c.portfolio.name && c.portfolio.allocations.length === 0 && c.portfolio.priorities.length === 0)).toBe(true);
    const officer = await server.run<any>(USERS.officer, CONTRACT_PATHS);
    expect(officer.data!.contracts.items.some((c: any) => c.portfolio.allocations.length > 0)).toBe(true);
  });

  it("shows a provider its own contracts' funding lines and their amounts, but no stream's yearly amounts, parent or other funds", async () => {
    const items = (await server.run<any>(USERS.providerA, CONTRACT_PATHS)).data!.contracts.items;
    const lines = items.flatMap((c: any) => c.fundingLines);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l: any) => Number.isInteger(l.amountPence) && typeof l.stream.name === "string")).toBe(true);
    expect(lines.every((l: any) => l.stream.years.length === 0 && l.stream.year === null && l.stream.parent === null)).toBe(true);
    const fundingItsContracts = new Set(lines.map((l: any) => l.stream.id));
    expect(lines.flatMap((l: any) => l.stream.children).every((s: any) => fundingItsContracts.has(s.id))).toBe(true);
    const officerLines = (await server.run<any>(USERS.officer, CONTRACT_PATHS)).data!.contracts.items.flatMap((c: any) => c.fundingLines);
    expect(officerLines.some((l: any) => l.stream.years.length > 0)).toBe(true);
  });

  it("shows a provider a contract's value but not the office's re-procurement plan for it", async () => {
    const items = (await server.run<any>(USERS.providerA, CONTRACT_PATHS)).data!.contracts.items;
    expect(items.some((c: any) => c.annualValuePence != null)).toBe(true);
    expect(items.every((c: any) => c.potentialValuePence === null && c.reviewWindow === null && c.plannedStartDate === null)).toBe(true);
    const officer = (await server.run<any>(USERS.officer, CONTRACT_PATHS)).data!.contracts.items;
    expect(officer.some((c: any) => c.potentialValuePence != null || c.reviewWindow != null)).toBe(true);
  });

  it("gives a provider no plan through mainPriority → plan → priorities, as strategicPlans refuses it", async () => {
    expect(await outcome("providerB", "{ strategicPlans { id } }")).toBe("FORBIDDEN");
    const items = (await server.run<any>(USERS.providerB, CONTRACT_PATHS)).data!.contracts.items;
    expect(items.every((c: any) => c.mainPriority === null && c.otherPriorities.length === 0)).toBe(true);
    const officer = (await server.run<any>(USERS.officer, CONTRACT_PATHS)).data!.contracts.items;
    expect(officer.some((c: any) => c.mainPriority?.plan.priorities.length > 0)).toBe(true);
  });

  it("shows a provider staff by name and role only: no e-mail through revisions → submittedBy / reviewedBy or acceptedBy", async () => {
    const query = "{ returns(first: 100) { items { acceptedBy { name role email } revisions { submittedBy { name role email } reviewedBy { name role email } } } } }";
    for (const who of ["providerA", "providerB"] as const) {
      const items = (await server.run<any>(USERS[who], query)).data!.returns.items;
      const people = items.flatMap((r: any) => [r.acceptedBy, ...r.revisions.flatMap((v: any) => [v.submittedBy, v.reviewedBy])]).filter(Boolean);
      const staff = people.filter((p: any) => p.role !== "PROVIDER");
      expect(staff.length).toBeGreaterThan(0);
      expect(staff.every((p: any) => p.email === null && p.name.length > 0)).toBe(true);
    }
    const officer = (await server.run<any>(USERS.officer, query)).data!.returns.items;
    expect(officer.some((r: any) => r.acceptedBy?.email?.endsWith("@wiltshire.demo.example") || r.acceptedBy?.email === USERS.admin)).toBe(true);
  });

  it("lets only an office with a contract with the provider, or an administrator, edit the shared provider register", async () => {
    const rename = "mutation($id: Int!, $v: Int!, $n: String!) { updateProvider(id: $id, version: $v, input: { name: $n, type: VOLUNTARY_COMMUNITY }) { name version } }";
    const harbour = async () => server.services.db.manager.findOneByOrFail(Provider, { id: ids.harbourProvider });
    const before = await harbour();
    // Durham holds no contract with Harbour (Wiltshire only): refused, and nothing changes. (Dorset's officer, in the
    // same position, was deactivated by an earlier case.)
    expect(codes(await server.run("officer@durham.demo.example", rename, { id: before.id, v: before.version, n: "Renamed by Durham" }))).toEqual(["FORBIDDEN"]);
    expect(await outcome("analyst", rename, { id: before.id, v: before.version, n: "Renamed by an analyst" })).toBe("FORBIDDEN");
    expect(await outcome("providerB", rename, { id: before.id, v: before.version, n: "Renamed by itself" })).toBe("FORBIDDEN");
    expect(await harbour()).toMatchObject({ name: before.name, version: before.version });
    // Wiltshire holds its contracts; the administrator may edit any entry.
    expect(await outcome("officer", rename, { id: before.id, v: before.version, n: before.name })).toBe(OK);
    const current = await harbour();
    expect(await outcome("admin", rename, { id: current.id, v: current.version, n: before.name })).toBe(OK);
  });
});
