import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from "graphql";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";
import type { Config } from "../config.js";
import { ErrorCode } from "../errors.js";

export type Limits = Pick<Config, "maxDepth" | "maxAliases" | "maxCost">;

function tooComplex(message: string): GraphQLError {
  // Apollo reads `http` for the response status and strips it from what the caller sees.
  return new GraphQLError(message.replace(/^Syntax Error: /, ""), { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });
}

/**
 * The limits every operation must pass before it runs, whichever transport brought it: depth, aliases
 * and estimated cost (list fields multiply their children by the page size they ask for).
 * HTTP runs this from an Apollo plugin, WebSocket from graphql-ws's onSubscribe.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  limits: Limits,
  options: { allowIntrospection: boolean },
): readonly GraphQLError[] {
  // The armor rules throw by default, which would surface as an internal error; report through the context instead.
  const report = { propagateOnRejection: false, exposeLimits: true, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(tooComplex(error.message))] };
  const rules: ValidationRule[] = [maxDepthRule({ n: limits.maxDepth, ...report }), maxAliasesRule({ n: limits.maxAliases, ...report })];
  if (!options.allowIntrospection) rules.push(NoSchemaIntrospectionCustomRule);
  const problems = validate(schema, document, rules);
  if (problems.length) {
    return problems.map((p) => (p.extensions?.code ? p : new GraphQLError(p.message, { extensions: { code: ErrorCode.FORBIDDEN } })));
  }
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Unknown operation name or bad variables: graphql-js will report it properly when it executes.
    return error instanceof GraphQLError && error.extensions?.code ? [error] : [];
  }
  if (cost > limits.maxCost) return [tooComplex(`This operation would cost ${cost}, above the limit of ${limits.maxCost}. Ask for fewer rows or fields.`)];
  return [];
}
