import fs from "node:fs";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { buildSchema, getIntrospectionQuery, Lexer, parse, print, Source, TokenKind, validate, visit, type DocumentNode, type ValidationRule } from "graphql";
import { describe, expect, it } from "vitest";
import * as operations from "../../dashboard/src/gql/graphql.js";
import { graphiqlExamples } from "../../dashboard/src/graphiql-examples.js";
import { loadConfig } from "../../server/config.js";

const schema = buildSchema(fs.readFileSync("schema/schema.graphql", "utf8"));
const report = { propagateOnRejection: false, onReject: [(context: { reportError(e: unknown): void } | null, error: unknown) => context?.reportError(error)] };

/** The smallest limit a rule passes the document at: the document's depth or alias count as GraphQL Armor counts it. */
function measured(document: DocumentNode, rule: (n: number) => ValidationRule): number {
  for (let n = 0; n < 100; n++) if (validate(schema, document, [rule(n)]).length === 0) return n;
  return Infinity;
}

function tokens(text: string): number {
  const lexer = new Lexer(new Source(text));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
}

const documents: { name: string; text: string }[] = [
  ...Object.entries(operations)
    .filter(([, value]) => (value as { kind?: string })?.kind === "Document")
    .map(([name, value]) => ({ name, text: print(value as DocumentNode) })),
  ...graphiqlExamples.map((e, i) => ({ name: `GraphiQL example ${i + 1}`, text: e.query })),
  { name: "GraphiQL's introspection query", text: getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true, directiveIsRepeatable: true, specifiedByUrl: true, oneOf: true } as never) },
];

describe("the dashboard's and GraphiQL's own operations under the default limits (GraphQL Armor's)", () => {
  const config = loadConfig({ DATABASE_PATH: `${fs.mkdtempSync("/tmp/ch-ops-")}/x.sqlite` });
  const figures = documents.map(({ name, text }) => {
    const document = parse(text);
    let directives = 0;
    visit(document, { Directive: () => void directives++ });
    return {
      name,
      depth: measured(document, (n) => maxDepthRule({ n, flattenFragments: true, ...report } as never)),
      aliases: measured(document, (n) => maxAliasesRule({ n, ...report } as never)),
      tokens: tokens(text),
      bytes: Buffer.byteLength(text),
      directives,
    };
  });

  it("finds the dashboard's operations", () => {
    expect(figures.length).toBeGreaterThan(30);
  });

  it("every one fits, with the deepest at depth 5 against the limit of 6", () => {
    const max = (key: "depth" | "aliases" | "tokens" | "bytes" | "directives") => Math.max(...figures.map((f) => f[key]));
    console.log(`dashboard + GraphiQL operations: deepest ${max("depth")}, most aliases ${max("aliases")}, most tokens ${max("tokens")}, largest ${max("bytes")} bytes, most directives ${max("directives")}`);
    expect(max("depth")).toBeLessThanOrEqual(config.maxDepth);
    expect(max("aliases")).toBeLessThanOrEqual(config.maxAliases);
    expect(max("tokens")).toBeLessThanOrEqual(config.security.maxTokens);
    expect(max("bytes")).toBeLessThanOrEqual(config.security.maxDocumentBytes);
    expect(max("directives")).toBeLessThanOrEqual(config.security.maxDirectives);
    expect([config.maxDepth, config.maxAliases, config.security.maxTokens, config.security.maxDirectives]).toEqual([6, 15, 1000, 50]);
    expect(max("depth")).toBe(5);
  });
});
