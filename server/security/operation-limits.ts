import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, specifiedRules, validate, visit, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from "graphql";
import { createRequire } from "node:module";
import type { Config } from "../config.js";
import { badInput, ErrorCode, type FieldProblem } from "../errors.js";
import { tooComplex, withoutSuggestions } from "./request-limits.js";

export type Limits = Pick<Config, "maxDepth" | "maxAliases" | "maxCost">;

// graphql-query-complexity's ESM build imports graphql/index.mjs: a second graphql beside the CommonJS one
// type-graphql builds the schema with, so every estimate failed ("from another module or realm") and the
// cost limit never applied. Its CommonJS build shares our graphql.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)("graphql-query-complexity") as typeof import("graphql-query-complexity");

/**
 * The limits every operation must pass before it runs, whichever transport brought it: depth, aliases
 * and estimated cost (list fields multiply their children by the page size they ask for).
 * HTTP runs this from an Apollo plugin (after Apollo's own validation), WebSocket from graphql-ws's onSubscribe
 * with `specifiedRules: true`, since there nothing else validates.
 */
/** Validation answers per document object (the parse caches, ours and Apollo's, hand back the same object for the same text). */
const checked = new WeakMap<DocumentNode, Map<string, Checked>>();
/**
 * What the rules (introspection, depth, aliases, graphql-js's own, the operation name) say of a document: they
 * never look at variables, so they run once per document, however its variables change from request to request
 * (every accept sends another return id and version). Only the cost, which does read them, is reckoned per set.
 */
const ruled = new WeakMap<DocumentNode, Map<string, readonly GraphQLError[]>>();

interface Checked {
  errors: readonly GraphQLError[];
  /** The estimated cost, when the operation got as far as being costed. */
  cost?: number;
}

export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  limits: Limits,
  options: { allowIntrospection: boolean; specifiedRules?: boolean; onCost?: (cost: number) => void },
): readonly GraphQLError[] {
  // The variables are walked first, without recursion: nested deeper than any input of ours, they are refused before
  // anything (JSON.stringify for the key below, the cost) recurses through them.
  const walked = walkVariables(variables);
  if (walked.tooDeep) return [refusedBeforeRunning(`Variables may nest at most ${MAX_VARIABLE_DEPTH} levels deep.`, [{ field: "variables", rule: "maxDepth", message: `Nested more than ${MAX_VARIABLE_DEPTH} levels deep.` }])];
  // Only small variables make a cache key: a long string (a CSV upload's file) is never serialised just to be dropped.
  const long = variables != null && Object.values(variables).some((v) => typeof v === "string" && v.length > 1024);
  const variablesKey = !long && variables && Object.keys(variables).length ? JSON.stringify(variables) : "";
  const cacheable = !long && variablesKey.length <= 1024;
  const key = `${options.allowIntrospection}|${options.specifiedRules === true}|${operationName ?? ""}|${limits.maxDepth}|${limits.maxAliases}|${limits.maxCost}|${cacheable ? variablesKey : ""}`;
  const answers = checked.get(document) ?? new Map<string, Checked>();
  const answer = (cacheable ? answers.get(key) : undefined) ?? check(schema, document, variables, operationName, limits, options);
  if (cacheable && !answers.has(key)) {
    if (answers.size > 50) answers.clear();
    answers.set(key, answer);
    checked.set(document, answers);
  }
  if (answer.cost !== undefined) options.onCost?.(answer.cost);
  if (answer.errors.length) return answer.errors;
  return walked.text.length ? [refusedBeforeRunning(walked.text[0].message, walked.text)] : [];
}

/** Deeper than any input of the schema (an input object in a list in an input object is three). */
const MAX_VARIABLE_DEPTH = 32;
const NUL_RULE = { rule: "noNulCharacter", message: "Text may not contain the NUL character (U+0000)." };
const SURROGATE_RULE = { rule: "wellFormedText", message: "Text may not contain half of a character (a lone UTF-16 surrogate, U+D800–U+DFFF)." };
/** A high surrogate with no low one after it, or a low one with no high one before it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text no store keeps as sent: PostgreSQL's text cannot hold U+0000, and half a surrogate pair is no character in
 * UTF-8 (SQLite and PostgreSQL would store U+FFFD in its place, and class-validator's email check throws on one).
 */
function unstorableText(text: string): { rule: string; message: string } | undefined {
  if (text.includes("\u0000")) return NUL_RULE;
  if (LONE_SURROGATE.test(text)) return SURROGATE_RULE;
  return undefined;
}

/** BAD_USER_INPUT, answered over HTTP with 400 like the other refusals before execution. */
function refusedBeforeRunning(message: string, problems: FieldProblem[]): GraphQLError {
  const error = badInput(message, problems);
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
}

/**
 * Whether the variables nest deeper than MAX_VARIABLE_DEPTH, and where they hold unstorable text (in a string or a
 * key), at most ten places. No field means such text, so it is refused on both stores and both transports alike,
 * before anything runs. Walked with a stack of its own, never recursively.
 */
function walkVariables(variables: Record<string, unknown> | undefined): { tooDeep: boolean; text: FieldProblem[] } {
  const text: FieldProblem[] = [];
  const note = (value: string, field: string) => {
    const broken = text.length < 10 ? unstorableText(value) : undefined;
    if (broken) text.push({ field, ...broken });
  };
  const stack: [unknown, string, number][] = [[variables, "", 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === "string") {
      note(value, path);
    } else if (value && typeof value === "object") {
      if (depth >= MAX_VARIABLE_DEPTH) return { tooDeep: true, text };
      for (const [key, item] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        note(key, at);
        stack.push([item, at, depth + 1]);
      }
    }
  }
  return { tooDeep: false, text };
}

function check(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  limits: Limits,
  options: { allowIntrospection: boolean; specifiedRules?: boolean },
): Checked {
  const key = `${options.allowIntrospection}|${options.specifiedRules === true}|${operationName ?? ""}|${limits.maxDepth}|${limits.maxAliases}`;
  const answers = ruled.get(document) ?? new Map<string, readonly GraphQLError[]>();
  let errors = answers.get(key);
  if (!errors) {
    errors = ruleErrors(schema, document, operationName, limits, options);
    if (answers.size > 50) answers.clear();
    answers.set(key, errors);
    ruled.set(document, answers);
  }
  if (errors.length) return { errors };
  return costed(schema, document, variables, operationName, limits);
}

function ruleErrors(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, limits: Limits, options: { allowIntrospection: boolean; specifiedRules?: boolean }): readonly GraphQLError[] {
  if (!options.allowIntrospection) {
    const introspection = validate(schema, document, [NoSchemaIntrospectionCustomRule]);
    if (introspection.length) return introspection.map((p) => new GraphQLError(p.message, { extensions: { code: ErrorCode.FORBIDDEN } }));
  }
  // The armor rules throw by default, which would surface as an internal error; report through the context instead.
  const report = { propagateOnRejection: false, exposeLimits: true, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(tooComplex(error.message.replace(/^Syntax Error: /, "")))] };
  // A fragment spread is no level of the answer: flattened, a fragment counts for the depth of the fields it holds.
  const checks: ValidationRule[] = [maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report }), maxAliasesRule({ n: limits.maxAliases, ...report })];
  if (options.specifiedRules) checks.unshift(...specifiedRules);
  const problems = validate(schema, document, checks, { maxErrors: 20 });
  if (problems.length) {
    return problems.map((p) =>
      p.extensions?.code ? p : new GraphQLError(options.allowIntrospection ? p.message : withoutSuggestions(p.message), { nodes: p.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
    );
  }
  // A string written into the document itself, likewise (walkVariables).
  let broken: { rule: string; message: string } | undefined;
  visit(document, { StringValue: (node) => void (broken ??= unstorableText(node.value)) });
  if (broken) return [refusedBeforeRunning(broken.message, [{ field: "query", ...broken }])];
  // An operation name the document does not have (or none, with several operations) is the caller's mistake.
  if (!getOperationAST(document, operationName ?? undefined)) {
    return [new GraphQLError(operationName ? `The document has no operation named "${operationName}".` : "Name the operation to run (operationName).", { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } })];
  }
  return [];
}

function costed(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined, limits: Limits): Checked {
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
    // Bad variables: graphql-js reports them properly when it executes. Anything else is a bug, not a pass.
    if (!(error instanceof GraphQLError)) throw error;
    return { errors: error.extensions?.code ? [error] : [] };
  }
  if (cost > limits.maxCost) return { cost, errors: [tooComplex(`This operation would cost ${cost}, above the limit of ${limits.maxCost}. Ask for fewer rows or fields.`)] };
  return { cost, errors: [] };
}
