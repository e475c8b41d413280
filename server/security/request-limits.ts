import { GraphQLError, Kind, parse, visit, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { ErrorCode } from "../errors.js";
import { CSV_MAX_BYTES } from "../modules/returns/return-csv.service.js";
import { Role } from "../modules/users/role.js";
import type { SecurityConfig } from "./security-config.js";

/**
 * Limits that apply before and during parsing, whichever transport brought the operation: they are cheap,
 * so a hostile document is refused for a fraction of what parsing it whole would cost.
 */
export type ParseLimits = Pick<SecurityConfig, "maxDocumentBytes" | "maxVariablesBytes" | "maxTokens" | "maxDirectives">;

/** Root fields whose variables may be larger than maxVariablesBytes, and by how much. */
const LARGE_INPUTS: Record<string, number> = {
  uploadReturnsCsv: CSV_MAX_BYTES + 64 * 1024, // the CSV itself, JSON-escaped
};

export function tooComplex(message: string): GraphQLError {
  // Apollo reads `http` for the response status and strips it from what the caller sees.
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, http: { status: 400 } } });
}

function tooLarge(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 }, problems: [{ field: "variables", rule: "maxBytes", message }] } });
}

/** A map that forgets its oldest entries past `size`: remembered answers for documents seen again. */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly size: number) {}
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): V {
    this.map.set(key, value);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as K);
    return value;
  }
}

// A flood repeats itself: the same text is parsed (or refused) once, not once per message. Refusals are kept
// too, so a repeated hostile document costs a lookup. Keys are the text itself, at most maxDocumentBytes each.
const parsed = new BoundedCache<string, DocumentNode | GraphQLError>(500);

function parseDocument(query: string, limits: ParseLimits): DocumentNode | GraphQLError {
  const key = `${limits.maxTokens}|${limits.maxDirectives}|${query}`;
  const known = parsed.get(key);
  if (known) return known;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError && /contains more th[ae]t \d+ tokens/.test(error.message)) {
      return parsed.set(key, tooComplex(`The document has more than ${limits.maxTokens} tokens.`));
    }
    const message = error instanceof GraphQLError ? error.message : "Could not parse the document.";
    return parsed.set(key, new GraphQLError(message, { extensions: { code: "GRAPHQL_PARSE_FAILED", http: { status: 400 } } }));
  }
  let directives = 0;
  visit(document, { Directive: () => void directives++ });
  if (directives > limits.maxDirectives) return parsed.set(key, tooComplex(`The document has ${directives} directives, above the limit of ${limits.maxDirectives}.`));
  return parsed.set(key, document);
}

/**
 * Parses a document under the byte, token and directive limits. `variablesBytes` is the size of the
 * variables as they arrived (JSON). Returns the document, or the one error that refuses it.
 */
export function parseWithinLimits(query: unknown, variablesBytes: number, operationName: string | null | undefined, limits: ParseLimits): DocumentNode | GraphQLError {
  if (typeof query !== "string" || query.trim() === "") {
    return new GraphQLError("Send a GraphQL document in `query`.", { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
  }
  // Characters are at most 3 bytes each in UTF-8 (4 for a surrogate pair, which is 2 characters): count only when close.
  if (query.length * 3 > limits.maxDocumentBytes && Buffer.byteLength(query, "utf8") > limits.maxDocumentBytes) {
    return tooComplex(`The document is larger than ${limits.maxDocumentBytes} bytes.`);
  }
  const document = parseDocument(query, limits);
  if (document instanceof GraphQLError) return document;
  if (variablesBytes > limits.maxVariablesBytes && variablesBytes > largeInputAllowance(document, operationName)) {
    return tooLarge(`The variables are larger than ${limits.maxVariablesBytes} bytes.`);
  }
  return document;
}

function largeInputAllowance(document: DocumentNode, operationName: string | null | undefined): number {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return 0;
  let allowance = 0;
  for (const selection of operation.selectionSet.selections) {
    // Only when every root field of the operation may take large input.
    if (selection.kind !== Kind.FIELD || !(selection.name.value in LARGE_INPUTS)) return 0;
    allowance = Math.max(allowance, LARGE_INPUTS[selection.name.value]);
  }
  return allowance;
}

/** Who may read the schema (introspection, and "Did you mean…" hints): staff and analysts, never providers or anonymous callers. */
export function mayIntrospect(user: { role: Role } | null | undefined): boolean {
  return user != null && [Role.ADMIN, Role.COMMISSIONER, Role.OFFICER, Role.ANALYST].includes(user.role);
}

/** graphql-js suggests field, argument, type and enum names; that reveals the schema to callers who may not read it. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, "");
}
