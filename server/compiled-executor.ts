import { execute, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/*
 * Apollo's executor for GraphQL over HTTP (its documented `gateway` hook): each operation is compiled once by
 * graphql-jit into a function for its document (about a millisecond, like parsing and validating it), and run
 * by that function from then on. The same resolvers
 * run as under graphql-js, access-policy wrappers (server/auth/policy.ts) and type-graphql's checks included: the
 * compiled plan only replaces graphql-js's interpretation of the document, field by field, which costs most on
 * large answers (a full office's scorecard is 12,240 cells × 11 fields). Results and errors stay graphql-js's:
 *  - variables are coerced by graphql-js first, and its errors answered as they are (Apollo's BAD_USER_INPUT);
 *  - the compiler's errors become graphql-js GraphQLErrors (same message, locations, path, original error and
 *    extensions), so formatError/maskError see what they always saw;
 *  - an operation the compiler refuses runs on graphql-js itself.
 * Subscriptions (graphql-ws) do not come through here.
 */

interface Plan {
  uses: number;
  compiled?: CompiledQuery | null;
}

/** Apollo's per-request fields this executor reads (a GatewayGraphQLRequestContext). */
export interface ExecutorRequest {
  document: DocumentNode;
  operationName?: string | null;
  operation?: OperationDefinitionNode;
  request: { variables?: Record<string, unknown> };
  context: unknown;
}

/** A compiled query's errors are graphql-jit's own class; Apollo and maskError expect graphql-js's. */
function asGraphQLError(error: GraphQLError): GraphQLError {
  if (Object.getPrototypeOf(error) === GraphQLError.prototype) return error;
  const original = error.originalError ?? undefined;
  // graphql-js keeps an error that already carries its path as it is (locatedError).
  if (original instanceof GraphQLError && Object.getPrototypeOf(original) === GraphQLError.prototype && original.path) return original;
  const converted = new GraphQLError(error.message, { path: error.path, originalError: original, extensions: error.extensions ?? undefined });
  if (error.locations?.length) (converted as { locations?: unknown }).locations = error.locations;
  return converted;
}

function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
}

export function compiledExecutor(schema: GraphQLSchema, options: { compileAfterUses?: number } = {}) {
  const compileAfter = options.compileAfterUses ?? 1;
  // Keyed by Apollo's parsed document (its document store hands the same object to every request with the same
  // query text), so a plan goes when its document does.
  const plans = new WeakMap<DocumentNode, Map<string, Plan>>();

  function planFor(document: DocumentNode, operationName: string | null | undefined): Plan {
    let byOperation = plans.get(document);
    if (!byOperation) plans.set(document, (byOperation = new Map()));
    const key = operationName ?? "";
    let plan = byOperation.get(key);
    if (!plan) byOperation.set(key, (plan = { uses: 0 }));
    plan.uses++;
    if (plan.compiled === undefined && plan.uses >= compileAfter) {
      const compiled = compileQuery(schema, document, operationName ?? undefined);
      plan.compiled = isCompiledQuery(compiled) ? compiled : null;
    }
    return plan;
  }

  return async function executor(request: ExecutorRequest): Promise<ExecutionResult> {
    const { document, operationName, context } = request;
    const variables = request.request.variables ?? {};
    const plan = planFor(document, operationName);
    if (!plan.compiled || !request.operation) {
      return execute({ schema, document, contextValue: context, variableValues: variables, operationName });
    }
    // graphql-js's own coercion decides whether the variables are acceptable, with its own messages.
    const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    return withGraphQLErrors(await plan.compiled.query(undefined, context, variables));
  };
}
