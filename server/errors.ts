import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { FAULT_MESSAGES, storeFault, type StoreFault } from "./db/store-faults.js";

/** Every error a caller may branch on. Anything else is masked as INTERNAL_SERVER_ERROR. */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  NOT_FOUND = "NOT_FOUND",
  CONFLICT = "CONFLICT",
  TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS",
  QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX",
  /** The store cannot take writes just now (disk full, locked by another process past the busy timeout, I/O error). Retryable. */
  STORE_UNAVAILABLE = "STORE_UNAVAILABLE",
  /** A live subscription could not deliver every event: refetch, then resume from `extensions.seq`. */
  RESYNC_REQUIRED = "RESYNC_REQUIRED",
}

const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  // Raised by graphql-js and Apollo themselves for malformed operations.
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** One problem with one field of the input, so forms can show it beside the field. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export function badInput(message: string, problems: FieldProblem[] = []): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, problems } });
}

export function unauthenticated(message = "Sign in to continue."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message = "You do not have permission to do that."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function notFound(what: string, id: number | string): GraphQLError {
  return new GraphQLError(`${what} ${id} was not found.`, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}

/** Nothing was written; the same request may be sent again later. `reason` says why (see StoreFault). */
export function storeUnavailable(reason: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.STORE_UNAVAILABLE, retryable: true, reason } });
}

export function isPublicCode(code: unknown): boolean {
  return typeof code === "string" && PUBLIC_CODES.has(code);
}

/**
 * Turns an error into what the caller sees. Errors we raised on purpose keep their message and code;
 * anything unexpected is logged in full here and reaches the caller only as a generic message.
 */
/**
 * graphql-js's own refusals of an argument's value while executing (values.ts getArgumentValues): a defaulted
 * variable sent as null where the argument is non-null (the spec's validation allows that usage), including a
 * directive's `if`. They are the client's input, said in the schema's terms.
 */
const ARGUMENT_REFUSAL = /^Argument "[^"]+" (?:of non-null type "[^"]+" must not be null|of required type "[^"]+" was (?:not provided|provided the variable "\$[^"]+" which was not provided a runtime value)|has invalid value .*)\.$/s;

function argumentRefusal(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { originalError?: unknown }).originalError, depth++) {
    const message = (e as { message?: unknown }).message;
    if (e instanceof GraphQLError && !(e as { originalError?: unknown }).originalError && typeof message === "string" && ARGUMENT_REFUSAL.test(message)) return message;
  }
  return null;
}

export function maskError(formatted: GraphQLFormattedError, error: unknown, log: (e: unknown) => void = console.error): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (isPublicCode(code)) return formatted;
  const refused = argumentRefusal(error);
  if (refused) return { message: refused, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  log(error);
  // A read (or anything outside the writer) that failed because the store cannot be reached is retryable, not a bug.
  const fault = faultBehind(error);
  if (fault) return { message: FAULT_MESSAGES[fault].replace("; nothing was saved", ""), locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.STORE_UNAVAILABLE, retryable: true, reason: fault } };
  return { message: "Internal server error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

/** The store fault behind an error, looking through GraphQL's and Apollo's wrappers (originalError). */
function faultBehind(error: unknown): StoreFault | null {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { originalError?: unknown }).originalError, depth++) {
    const fault = storeFault(e);
    if (fault) return fault;
  }
  return null;
}
