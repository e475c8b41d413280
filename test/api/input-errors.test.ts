import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { FundingStreamYear } from "../../server/modules/funding/funding.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PortfolioAllocation } from "../../server/modules/portfolios/portfolio.entities.js";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { maskError } from "../../server/errors.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
const ADMIN = "admin@demo.example";
let server: TestServer;
let wiltshire: number;

beforeAll(async () => {
  server = await startTestServer();
  wiltshire = (await server.services.db.manager.findOneByOrFail(Office, { code: "wiltshire" })).id;
});
afterAll(async () => server?.close());

/** Row counts of the tables a rejected change might have touched. */
async function snapshot() {
  const m = server.services.db.manager;
  return { contracts: await m.count(Contract), years: await m.count(FundingStreamYear), allocations: await m.count(PortfolioAllocation), audit: await m.count(AuditEvent) };
}

async function firstStream() {
  const result = await server.run<any>(OFFICER, "query($o: Int) { fundingStreams(officeId: $o) { id name years { year amountPence } } portfolios(officeId: $o) { id } }", { o: wiltshire });
  return { stream: result.data!.fundingStreams.find((s: { years: unknown[] }) => s.years.length > 0), portfolio: result.data!.portfolios[0] };
}

describe("bad input gets a clear error with a code, and changes nothing", () => {
  it("rejects malformed financial years wherever they enter", async () => {
    const before = await snapshot();
    const { stream } = await firstStream();
    for (const year of ["2024-2025", "2024/25", "2024-26", "24-25"]) {
      const result = await server.run(OFFICER, "mutation($s: Int!, $y: String!) { setFundingStreamYear(input: { streamId: $s, year: $y, amountPence: 100 }) { id } }", { s: stream.id, y: year });
      expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
    }
    const contract = await server.run(OFFICER, "query { contracts(first: 1) { items { id version } } }");
    const { id, version } = (contract.data as any).contracts.items[0];
    const badLine = await server.run(OFFICER, "mutation($id: Int!, $v: Int!, $s: Int!) { updateContract(id: $id, version: $v, input: { fundingLines: [{ streamId: $s, year: \"2023/24\", amountPence: 5, status: COMMITTED }] }) { id } }", { id, v: version, s: stream.id });
    expect(codes(badLine)).toEqual(["BAD_USER_INPUT"]);
    expect(await snapshot()).toEqual(before);
  });

  it("names each missing field of a new contract", async () => {
    const before = await snapshot();
    const result = await server.run(OFFICER, 'mutation { createContract(input: { title: "Untitled" }) { id } }');
    expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
    const problems = (result.errors![0] as any).extensions.problems.map((p: { field: string }) => p.field);
    expect(problems).toEqual(expect.arrayContaining(["portfolioId", "providerId", "reference", "mechanism", "stage", "status"]));
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an allocation that would give out more than the stream has", async () => {
    const before = await snapshot();
    const { stream, portfolio } = await firstStream();
    const year = stream.years[stream.years.length - 1];
    const result = await server.run(OFFICER, "mutation($input: AllocationInput!) { createAllocation(input: $input) { id } }", {
      input: { streamId: stream.id, portfolioId: portfolio.id, kind: "PORTFOLIO", year: year.year, label: "Too much", amountPence: year.amountPence + 1 },
    });
    expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
    expect((result.errors![0] as any).extensions.problems[0]).toMatchObject({ field: "amountPence", rule: "withinStream" });
    expect(await snapshot()).toEqual(before);
  });

  it("fails an edit based on a stale version with CONFLICT and keeps the newer edit", async () => {
    const listed = await server.run<any>(OFFICER, "{ contracts(first: 1) { items { id version title } } }");
    const { id, version, title } = listed.data!.contracts.items[0];
    const first = await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!) { updateContract(id: $id, version: $v, input: { title: \"First edit\" }) { version } }", { id, v: version });
    expect(first.data!.updateContract.version).toBe(version + 1);
    const stale = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { updateContract(id: $id, version: $v, input: { title: \"Stale edit\" }) { version } }", { id, v: version });
    expect(codes(stale)).toEqual(["CONFLICT"]);
    const now = await server.services.db.manager.findOneByOrFail(Contract, { id });
    expect(now.title).toBe("First edit");
    expect(title).not.toBe("First edit");
  });

  it("caps page sizes", async () => {
    const tooMany = await server.run(OFFICER, "{ contracts(first: 101) { totalCount } }");
    expect(codes(tooMany)).toEqual(["BAD_USER_INPUT"]);
    expect((tooMany.errors![0] as any).extensions.problems).toEqual([expect.objectContaining({ field: "first", rule: "max" })]);
    expect(codes(await server.run(OFFICER, "{ contracts(first: 0) { totalCount } }"))).toEqual(["BAD_USER_INPUT"]);
  });

  it("refuses over-deep and over-aliased operations over HTTP with QUERY_TOO_COMPLEX", async () => {
    const deep = `{ contracts { items { fundingLines { stream { ${"parent { ".repeat(8)}id${" }".repeat(8)} } } } } }`;
    const tooDeep = await server.http(OFFICER, deep);
    expect(codes(tooDeep)).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(tooDeep.status).toBe(400);
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
    expect(codes(await server.http(OFFICER, aliases(16)))).toEqual(["QUERY_TOO_COMPLEX"]);
    const huge = await server.http(OFFICER, aliases(1000));
    expect(huge.data).toBeUndefined();
    expect(codes(huge)).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(codes(await server.http(OFFICER, aliases(15)))).toEqual([]);
  });

  it("masks unexpected errors: a generic message and INTERNAL_SERVER_ERROR, with the detail logged on the server", () => {
    const logged: unknown[] = [];
    const error = new Error("SQLITE_CORRUPT: secret table details");
    const masked = maskError({ message: error.message, extensions: {} }, error, (e) => logged.push(e));
    expect(masked).toEqual({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(logged).toEqual([error]);
    const expected = maskError({ message: "Contract 9 was not found.", extensions: { code: "NOT_FOUND" } }, error, () => logged.push("no"));
    expect(expected.extensions?.code).toBe("NOT_FOUND");
    expect(logged).toHaveLength(1);
  });

  it("refuses an explicit null where a record has no 'none' (red16: the NOT NULL constraint answered INTERNAL_SERVER_ERROR); left out, the value stays", async () => {
    const before = await snapshot();
    const { stream } = await firstStream();
    const full = await server.run<any>(OFFICER, "query($id: Int!) { fundingStream(id: $id) { version name } }", { id: stream.id });
    const { version, name } = full.data!.fundingStream;
    for (const field of ["name", "source", "oneOffOnly", "eligibleRecipientTypes", "funderReportingCadence"]) {
      const result = await server.run(OFFICER, "mutation($id: Int!, $v: Int!, $input: FundingStreamInput!) { updateFundingStream(id: $id, version: $v, input: $input) { id } }", { id: stream.id, v: version, input: { [field]: null } });
      expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
      expect((result.errors![0] as any).extensions.problems).toEqual([expect.objectContaining({ field, rule: "isDefined" })]);
    }
    const portfolios = await server.run<any>(OFFICER, "query($o: Int) { portfolios(officeId: $o) { id version } }", { o: wiltshire });
    const p = portfolios.data!.portfolios[0];
    const portfolio = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { updatePortfolio(id: $id, version: $v, input: { name: null }) { id } }", { id: p.id, v: p.version });
    expect(codes(portfolio)).toEqual(["BAD_USER_INPUT"]);
    expect(await snapshot()).toEqual(before);
    // Left out, nothing is changed and the update goes through.
    const kept = await server.run<any>(OFFICER, "mutation($id: Int!, $v: Int!) { updateFundingStream(id: $id, version: $v, input: { ringFencedPurpose: null }) { name version } }", { id: stream.id, v: version });
    expect(kept.data!.updateFundingStream).toEqual({ name, version: version + 1 });
  });

  it("refuses pence past a 32-bit integer on both stores, and a priority position past 9999 (red16: PostgreSQL's integer overflowed)", async () => {
    const before = await snapshot();
    const { stream } = await firstStream();
    for (const amountPence of [2 ** 31, Number.MAX_SAFE_INTEGER, -1]) {
      const result = await server.run(OFFICER, "mutation($s: Int!, $a: SafeInt!) { setFundingStreamYear(input: { streamId: $s, year: \"2031-32\", amountPence: $a }) { id } }", { s: stream.id, a: amountPence });
      expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
      expect((result.errors![0] as any).extensions.problems).toEqual([expect.objectContaining({ field: "amountPence", rule: "isPence" })]);
    }
    const largest = await server.run(OFFICER, "mutation($s: Int!, $a: SafeInt!) { setFundingStreamYear(input: { streamId: $s, year: \"2031-32\", amountPence: $a }) { amountPence } }", { s: stream.id, a: 2 ** 31 - 1 });
    expect(largest.data).toEqual({ setFundingStreamYear: { amountPence: 2 ** 31 - 1 } });
    const plans = await server.run<any>(OFFICER, "query($o: Int) { strategicPlans(officeId: $o) { id } }", { o: wiltshire });
    const position = await server.run(OFFICER, "mutation($p: Int!) { createPlanPriority(input: { planId: $p, title: \"Far down\", position: 10000 }) { id } }", { p: plans.data!.strategicPlans[0].id });
    expect(codes(position)).toEqual(["BAD_USER_INPUT"]);
    expect({ ...(await snapshot()), years: before.years, audit: before.audit }).toEqual(before);
  });

  it("an administrator naming an office that does not exist gets NOT_FOUND (red16: SQLite's foreign key answered INTERNAL_SERVER_ERROR)", async () => {
    const before = await snapshot();
    const calls: [string, Record<string, unknown>][] = [
      ["mutation($o: Int) { createPortfolio(input: { officeId: $o, name: \"Nowhere\" }) { id } }", { o: 999_999 }],
      ["mutation($o: Int) { createFundingStream(input: { officeId: $o, name: \"Nowhere\", source: PCC_BUDGET }) { id } }", { o: 999_999 }],
      ["mutation($o: Int!) { openReportingPeriod(officeId: $o, quarter: \"2031-32 Q1\") { id } }", { o: 999_999 }],
      ["mutation($o: Int) { setMailSchedule(input: { officeId: $o, reminderDays: [7], chaserIntervalDays: 7, digestHour: 8, version: 0 }) { officeId } }", { o: 999_999 }],
    ];
    for (const [query, variables] of calls) {
      const result = await server.run(ADMIN, query, variables);
      expect(codes(result), query).toEqual(["NOT_FOUND"]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses dates outside 1900-01-01 to 2199-12-31 (red17: PostgreSQL has no year 0, and 9999-12-31 plus a year overflowed its date)", async () => {
    const before = await snapshot();
    for (const asOf of ["0000-01-01", "1899-12-31", "2200-01-01", "9999-12-31"]) {
      const result = await server.run(OFFICER, "query($d: String) { contractsEndingWithoutPlan(asOf: $d) { id } }", { d: asOf });
      expect(codes(result), asOf).toEqual(["BAD_USER_INPUT"]);
    }
    expect(codes(await server.run(OFFICER, "query($d: String) { contractsEndingWithoutPlan(asOf: $d) { id } }", { d: "2199-12-31" }))).toEqual([]);
    const decision = await server.run(OFFICER, 'mutation { recordDecision(input: { kind: AWARD, title: "Year nought", rationale: "r", decidedOn: "0000-02-29", evidenceReturnIds: [] }) { id } }');
    expect(codes(decision)).toEqual(["BAD_USER_INPUT"]);
    expect((decision.errors![0] as any).extensions.problems).toEqual([expect.objectContaining({ field: "decidedOn", rule: "isIsoDate" })]);
    expect(await snapshot()).toEqual(before);
  });
});
