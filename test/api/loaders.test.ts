import type { Logger } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Office } from "../../server/modules/offices/office.entity.js";
import { startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
let server: TestServer;
let statements = 0;

beforeAll(async () => {
  server = await startTestServer();
  const db = server.services.db;
  // Count every SQL statement the read connection runs.
  const counting: Logger = {
    logQuery: () => void statements++,
    logQueryError: () => {},
    logQuerySlow: () => {},
    logSchemaBuild: () => {},
    logMigration: () => {},
    log: () => {},
  };
  Object.defineProperty(db, "logger", { value: counting });

  // Enough contracts for a page of 50, made the way an officer would.
  const wiltshire = await db.manager.findOneByOrFail(Office, { code: "wiltshire" });
  const setup = await server.run<any>(OFFICER, "query($o: Int) { portfolios(officeId: $o) { id } fundingStreams(officeId: $o) { id name } providers(first: 3) { items { id } } contracts(first: 1) { totalCount } }", { o: wiltshire.id });
  const { portfolios, fundingStreams, providers, contracts } = setup.data!;
  for (let i = contracts.totalCount; i < 55; i++) {
    const created = await server.run(OFFICER, "mutation($input: ContractInput!) { createContract(input: $input) { id } }", {
      input: {
        portfolioId: portfolios[i % portfolios.length].id,
        providerId: providers.items[i % providers.items.length].id,
        reference: `LOAD-${i}`,
        title: `Loader test service ${i}`,
        mechanism: "GRANT",
        stage: "DO",
        status: "LIVE",
        fundingLines: [{ streamId: fundingStreams.find((s: { name: string }) => s.name === "PCC Commissioning Budget").id, year: "2024-25", amountPence: 100_000 + i, status: "PLANNED" }],
      },
    });
    expect(created.errors).toBeUndefined();
  }
});
afterAll(async () => server?.close());

async function countStatements(first: number): Promise<number> {
  const query = `query($first: Int!) { contracts(first: $first) { items { id title provider { name } portfolio { name } fundingLines { amountPence stream { name } } } } }`;
  await server.run(OFFICER, "{ me { id } }"); // warm the user lookup so it is not counted
  const before = statements;
  const result = await server.run<any>(OFFICER, query, { first });
  expect(result.errors).toBeUndefined();
  expect(result.data!.contracts.items).toHaveLength(first);
  return statements - before;
}

describe("per-request loaders", () => {
  it("lists 50 contracts with provider, portfolio and funding lines in as many SQL statements as 5", async () => {
    const five = await countStatements(5);
    const fifty = await countStatements(50);
    expect(five).toBeGreaterThanOrEqual(4); // the list, its count, and at least one batch per relation
    expect(fifty).toBe(five);
    // The list, its count, then one batch per relation: a handful, not one per row.
    expect(fifty).toBeLessThanOrEqual(8);
  });
});
