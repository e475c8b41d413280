import { execute, getIntrospectionQuery, GraphQLError, parse, validate, type ExecutionResult } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compiledExecutor } from "../../server/compiled-executor.js";
import { createContext } from "../../server/context.js";
import { startTestServer, type TestServer } from "./harness.js";

/** What a client and maskError can see of a result: data, and each error's fields, class and original error. */
function seen(result: ExecutionResult) {
  return {
    data: JSON.parse(JSON.stringify(result.data ?? null)),
    errors: result.errors?.map((e) => ({
      json: JSON.parse(JSON.stringify(e)),
      upstreamClass: Object.getPrototypeOf(e) === GraphQLError.prototype,
      extensions: { ...e.extensions },
      original: e.originalError ? { name: e.originalError.constructor.name, message: e.originalError.message, extensions: { ...(e.originalError as GraphQLError).extensions } } : null,
      nodes: e.nodes?.map((n) => [n.kind, n.loc?.start]) ?? null,
    })),
  };
}

// The compiled executor (server/compiled-executor.ts) must answer exactly what graphql-js answers: data, refusals
// by the access policies, coded errors, variable errors, non-null propagation.
describe("compiled execution answers as graphql-js does", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const OFFICER = "officer@wiltshire.demo.example";
  const ANALYST = "analyst@wiltshire.demo.example";
  const PROVIDER = "provider-a@demo.example";
  const cases: [string | null, string, Record<string, unknown>?][] = [
    [OFFICER, "query($o: Int) { scorecards(officeId: $o) { portfolioId rows { indicatorId indicator { code name } trend(last: 4) cells { periodId label actual numerator denominator target targetBasis fullTarget rag change returnsIn returnsDue complete provisional } } } }"],
    [ANALYST, "{ scorecards(includeSubmitted: true) { portfolioId portfolio { name } rows { cells { actual provisional } } } }"],
    [PROVIDER, "{ contracts(first: 50) { totalCount items { id reference provider { name } fundingLines { year amountPence stream { name } } } } }"],
    [PROVIDER, "{ portfolios { id name } scorecards { portfolioId } }"],
    [OFFICER, "{ contract(id: 999999) { id } }"],
    [OFFICER, "{ a: portfolios { id } b: contract(id: 999999) { id } }"],
    [OFFICER, "query($o: Int) { scorecards(officeId: $o) { portfolioId } }", { o: "abc" }],
    [OFFICER, "query($id: Int!) { contract(id: $id) { id } }", {}],
    [null, "{ portfolios { id } }"],
    [ANALYST, "mutation { acceptReturn(id: 999999, version: 1) { state } }"],
    [OFFICER, "mutation { acceptReturn(id: 999999, version: 1) { state } }"],
    [OFFICER, "{ returnDiff(returnId: 1, from: 1, to: 99) { __typename } }"],
    [OFFICER, "query($p: [Int!], $s: Boolean! = true) { scorecards(periodIds: $p, includeSubmitted: $s) { portfolioId rows { cells { periodId provisional } } } }", { p: 1 }],
    // An input-object variable whose field has a default (graphql-jit would refuse it): answered by graphql-js.
    [OFFICER, "mutation($input: FundingStreamYearInput!) { setFundingStreamYear(input: $input) { id } }", { input: { streamId: 999999, year: "2033-34", amountPence: 1 } }],
    [OFFICER, getIntrospectionQuery()],
    [PROVIDER, "query Q { ...F } fragment F on Query { x: portfolios { id } ... on Query { y: contract(id: 999999) { id } } }"],
  ];

  test.each(cases)("as %s: %s", { timeout: 20_000 }, async (as, query, variables = {}) => {
    const document = parse(query);
    expect(validate(server.schema, document)).toEqual([]);
    expect(isCompiledQuery(compileQuery(server.schema, document)), "compiles (else graphql-js would answer)").toBe(true);
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
    const authorization = as ? `Bearer ${await server.tokenFor(as)}` : undefined;
    const reference = await execute({ schema: server.schema, document, variableValues: variables, contextValue: await createContext(server.services, authorization) });
    const executor = compiledExecutor(server.schema);
    for (let run = 0; run < 2; run++) {
      const compiled = await executor({ document, operation: operation as never, request: { variables }, context: await createContext(server.services, authorization) });
      expect(seen(compiled)).toEqual(seen(reference));
    }
  });
});
