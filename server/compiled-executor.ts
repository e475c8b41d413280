import { execute, getNamedType, getVariableValues, GraphQLError, isLeafType, Kind, typeFromAST, type DocumentNode, type NamedTypeNode, type ExecutionResult, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionNode } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/*
 * Apollo's executor for GraphQL over HTTP (its documented `gateway` hook): each operation is compiled once by
 * graphql-jit into a function for its document (about a millisecond, like parsing and validating it), and run
 * by that function from then on. The same resolvers
 * run as under graphql-js, access-policy wrappers (server/auth/policy.ts) and type-graphql's checks included: the
 * compiled plan only replaces graphql-js's interpretation of the document, field by field, which costs most on
 * large answers (a full office's scorecard is 12,240 cells × 11 fields). Results and errors stay graphql-js's:
 *  - variables are coerced by graphql-js first, and its errors answered as they are (Apollo's BAD_USER_INPUT);
 *    operations with input-object variables run on graphql-js (see plainVariables), and so do requests with an
 *    explicit null for a defaulted variable (see nullForDefaulted), and operations whose fragments would write out
 *    more than MAX_PLANNED_FIELDS fields (see plannedFields);
 *  - the compiler's errors become graphql-js GraphQLErrors (same message, field nodes and locations, path,
 *    original error and extensions), so formatError/maskError see what they always saw;
 *  - an operation the compiler refuses runs on graphql-js itself.
 * The live hub (server/realtime/live-hub.ts) runs a subscription's document through it too, once per event for
 * each group of subscribers, with the event as the root value; graphql-ws's own execution is not used there.
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
  /** The root value: a subscription's event (the live hub); none for queries and mutations. */
  rootValue?: unknown;
}

/** The fields of the document answering at this response path (graphql-js gives an error its field's nodes). */
function fieldNodesAt(document: DocumentNode, operation: OperationDefinitionNode, path: readonly (string | number)[]): FieldNode[] | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const collect = (selections: readonly SelectionNode[], key: string, out: FieldNode[], seen: Set<string>) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        if ((selection.alias ?? selection.name).value === key) out.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet.selections, key, out, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet.selections, key, out, seen);
      }
    }
  };
  let selections: readonly SelectionNode[] = operation.selectionSet.selections;
  let nodes: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === "number") continue;
    nodes = [];
    collect(selections, key, nodes, new Set());
    if (!nodes.length) return undefined;
    selections = nodes.flatMap((node) => node.selectionSet?.selections ?? []);
  }
  return nodes.length ? nodes : undefined;
}

/** A compiled query's errors are graphql-jit's own class; Apollo and maskError expect graphql-js's. */
function asGraphQLError(error: GraphQLError, document: DocumentNode, operation: OperationDefinitionNode): GraphQLError {
  if (Object.getPrototypeOf(error) === GraphQLError.prototype) return error;
  const original = error.originalError ?? undefined;
  // graphql-js keeps an error that already carries its path as it is (locatedError).
  if (original instanceof GraphQLError && Object.getPrototypeOf(original) === GraphQLError.prototype && original.path) return original;
  const nodes = error.path ? fieldNodesAt(document, operation, error.path) : undefined;
  const converted = new GraphQLError(error.message, { nodes, path: error.path, originalError: original, extensions: error.extensions ?? undefined });
  if (!nodes && error.locations?.length) (converted as { locations?: unknown }).locations = error.locations;
  return converted;
}

function withGraphQLErrors(result: ExecutionResult, document: DocumentNode, operation: OperationDefinitionNode): ExecutionResult {
  return result.errors?.length ? { ...result, errors: result.errors.map((error) => asGraphQLError(error, document, operation)) } : result;
}

export function operationOf(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName == null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
}

/**
 * Whether every variable is a scalar or an enum (or lists of them). graphql-jit coerces variables itself, and
 * unlike graphql-js it does not fill an input object's missing fields from their defaults (`variable: Boolean! =
 * false` of FundingStreamYearInput): an operation with an input-object variable runs on graphql-js.
 */
function plainVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  return (operation.variableDefinitions ?? []).every((definition) => {
    const type = typeFromAST(schema, definition.type as NamedTypeNode);
    return type != null && isLeafType(getNamedType(type));
  });
}

/**
 * An explicit null for a variable that has a default: the spec lets such a variable feed a non-null argument or a
 * directive's `if`, and the null must then be refused there. graphql-jit takes it as absent (a field under
 * `@include(if: $b)` silently left out), so these requests run on graphql-js, which refuses them.
 */
function nullForDefaulted(operation: OperationDefinitionNode, variables: Record<string, unknown>): boolean {
  return (operation.variableDefinitions ?? []).some((definition) => definition.defaultValue !== undefined && variables[definition.variable.name.value] === null);
}

/**
 * The most fields a compiled plan may hold. graphql-jit writes every fragment spread out in full where graphql-js
 * merges them: a fragment that spreads the next one twice, level after level, doubles the plan each level (a
 * 1 KB document of 30 levels would be 2^30 fields, compiled on the event loop). The product's own operations
 * hold a few hundred; past this, the operation runs on graphql-js, which collects each fragment once.
 */
const MAX_PLANNED_FIELDS = 5000;

/** The fields of the operation with every fragment spread written out, counted without writing them (memoised per fragment). */
export function plannedFields(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const sizes = new Map<string, number>();
  const open = new Set<string>();
  const fragmentSize = (name: string): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    if (open.has(name)) return Number.POSITIVE_INFINITY; // a cycle (validation refuses it first)
    open.add(name);
    const fragment = fragments.get(name);
    const size = fragment ? count(fragment.selectionSet.selections) : 0;
    open.delete(name);
    sizes.set(name, size);
    return size;
  };
  const count = (selections: readonly SelectionNode[]): number => {
    let n = 0;
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) n += 1 + (selection.selectionSet ? count(selection.selectionSet.selections) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) n += count(selection.selectionSet.selections);
      else n += fragmentSize(selection.name.value);
      if (n > MAX_PLANNED_FIELDS) return n; // enough to know
    }
    return n;
  };
  return count(operation.selectionSet.selections);
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
      const operation = operationOf(document, operationName);
      const compilable = operation && plainVariables(schema, operation) && plannedFields(document, operation) <= MAX_PLANNED_FIELDS;
      const compiled = compilable ? compileQuery(schema, document, operationName ?? undefined) : null;
      plan.compiled = compiled && isCompiledQuery(compiled) ? compiled : null;
    }
    return plan;
  }

  return async function executor(request: ExecutorRequest): Promise<ExecutionResult> {
    const { document, operationName, context, rootValue } = request;
    const variables = request.request.variables ?? {};
    const plan = planFor(document, operationName);
    if (!plan.compiled || !request.operation || nullForDefaulted(request.operation, variables)) {
      return execute({ schema, document, rootValue, contextValue: context, variableValues: variables, operationName });
    }
    // graphql-js's own coercion decides whether the variables are acceptable, with its own messages.
    const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await plan.compiled.query(rootValue, context, variables);
    // Its own coercion refusing what graphql-js accepted (nothing has run yet): graphql-js answers.
    if (!("data" in result)) return execute({ schema, document, rootValue, contextValue: context, variableValues: variables, operationName });
    return withGraphQLErrors(result, document, request.operation);
  };
}
