import type { ApolloServerPlugin } from "@apollo/server";
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { GraphQLError, Kind, type GraphQLSchema } from "graphql";
import { bearerToken, verifyToken } from "../auth/tokens.js";
import type { Context } from "../context.js";
import { ErrorCode } from "../errors.js";
import type { Services } from "../services.js";
import { spend, type Budgets } from "./budgets.js";
import { clientAddress } from "./client-address.js";
import { checkOperationLimits } from "./operation-limits.js";
import { mayIntrospect, parseWithinLimits, withoutSuggestions } from "./request-limits.js";

/*
 * What a client pays on /graphql, in points out of RATE_LIMIT_PER_MINUTE per minute: 1 per request, 1 per
 * 16 KB of body (charged from Content-Length before the body is read), 5 more for an operation refused by a
 * limit, 10 for a login (a password hash is the most expensive thing an anonymous caller can ask for), and 1 per
 * 250 of estimated cost. A signed-in user is charged by account, anyone else by address, so
 * one flooding client spends its own budget, not its neighbours'.
 */
const BYTES_PER_POINT = 16 * 1024;
const REFUSAL_POINTS = 5;
const COST_PER_POINT = 250;
const LOGIN_POINTS = 10;

/** The budget key of each request's context, for charging its cost after Apollo has parsed it. */
const contextKeys = new WeakMap<object, string>();

/** Ties an Apollo context to the client its request came from (see chargeRequest). */
export function rememberClient<C extends object>(res: Response, context: C): C {
  if (typeof res.locals.budgetKey === "string") contextKeys.set(context, res.locals.budgetKey);
  return context;
}

async function clientKey(services: Services, req: Request): Promise<string> {
  const token = bearerToken(req.headers.authorization);
  const claims = token ? await verifyToken(token, services.config) : null;
  return claims ? `user:${claims.userId}` : `addr:${clientAddress(req, services.config.security.trustProxy)}`;
}

/**
 * A refusal in GraphQL's response shape. `close` ends the connection, and when the body has not all arrived,
 * drops it shortly after the answer is written.
 */
export function refuse(res: Response, status: number, code: string, message: string, options: { close?: boolean; drop?: boolean; retryAfterMs?: number } = {}): void {
  if (options.retryAfterMs) res.setHeader("Retry-After", String(Math.ceil(options.retryAfterMs / 1000)));
  if (options.close) {
    const req = res.req;
    if (req.complete) res.setHeader("Connection", "close");
    else if (options.drop) {
      // A client over budget still sending megabytes: reading them only to throw them away is what a flood of
      // large bodies costs (Node would read the rest once the answer is written). Stop reading at once, and
      // cut the connection shortly after the answer has gone out; what it still sends stays in the kernel.
      res.setHeader("Connection", "close");
      req.socket.pause();
      res.once("finish", () => {
        req.socket.pause();
        setTimeout(() => req.socket.destroy(), DROP_GRACE_MS).unref();
      });
    } else {
      // Closing now would reset a client still sending its body before it reads the answer. Node reads and throws
      // away the rest; a client still sending after a short grace is cut off, so none can hold the socket.
      res.once("finish", () => {
        req.resume();
        const timer = setTimeout(() => req.socket.destroy(), CLOSE_GRACE_MS).unref();
        req.once("end", () => {
          clearTimeout(timer);
          req.socket.end();
        });
      });
    }
  }
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

const CLOSE_GRACE_MS = 1000;
const DROP_GRACE_MS = 50;
/** Declared bodies from this size up are not read when their request is refused for budget. */
const DROP_BODY_BYTES = 1024 * 1024;

/** Refusals being held back, per client: at most HELD_PER_CLIENT at once, the rest answered at once. */
const held = new Map<string, number>();
const HELD_PER_CLIENT = 16;
const HOLD_MS = 1000;

/**
 * A client over budget is answered 429 — after up to a second, without reading its body: a flooding client
 * waiting on its answers sends less, at no cost to the server but an idle socket (a bounded number per client).
 */
function tooManyRequests(res: Response, retryAfterMs: number, key?: string): void {
  const drop = Number(res.req.headers["content-length"] ?? 0) >= DROP_BODY_BYTES;
  const answer = () => refuse(res, 429, ErrorCode.TOO_MANY_REQUESTS, "Too many requests; slow down.", { close: true, drop, retryAfterMs });
  const holding = key ? (held.get(key) ?? 0) : HELD_PER_CLIENT;
  if (holding >= HELD_PER_CLIENT) return answer();
  held.set(key!, holding + 1);
  setTimeout(() => {
    const left = (held.get(key!) ?? 1) - 1;
    if (left > 0) held.set(key!, left);
    else held.delete(key!);
    if (!res.req.socket.destroyed) answer();
  }, Math.min(HOLD_MS, retryAfterMs)).unref();
}

async function charge(budgets: Budgets, key: string | undefined, points: number): Promise<number> {
  if (!budgets.http || !key || points <= 0) return 0;
  return spend(budgets.http, key, points);
}

/** Runs before the body is read: charges the request and its declared size, and refuses oversized bodies unread. */
export function chargeRequest(services: Services, budgets: Budgets): RequestHandler {
  const { maxBodyBytes } = services.config.security;
  return (req, res, next) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBodyBytes) return refuse(res, 413, ErrorCode.BAD_USER_INPUT, `The request body is larger than ${maxBodyBytes} bytes.`, { close: true });
    void clientKey(services, req)
      .then(async (key) => {
        res.locals.budgetKey = key;
        const wait = await charge(budgets, key, 1 + Math.floor(declared / BYTES_PER_POINT));
        if (wait) return tooManyRequests(res, wait, key);
        next();
      })
      .catch(next);
  };
}

/** Runs after the body is parsed, before Apollo: the byte, token and directive limits. */
export function checkBeforeParsing(services: Services, budgets: Budgets): RequestHandler {
  const limits = services.config.security;
  return (req, res, next) => {
    const fromQueryString = req.method === "GET";
    const params = (fromQueryString ? req.query : req.body) as Record<string, unknown> | undefined;
    if (!params || typeof params !== "object" || Array.isArray(params)) return next(); // Apollo explains what is wrong
    if (fromQueryString && params.query === undefined) return next();
    const query = params.query;
    const declared = Number(req.headers["content-length"] ?? 0);
    let variablesBytes: number;
    if (fromQueryString) variablesBytes = typeof params.variables === "string" ? params.variables.length : 0;
    else if (declared > 0) variablesBytes = Math.max(0, declared - (typeof query === "string" ? Buffer.byteLength(query) : 0));
    else variablesBytes = params.variables === undefined ? 0 : Buffer.byteLength(JSON.stringify(params.variables));
    const parsed = parseWithinLimits(query, variablesBytes, typeof params.operationName === "string" ? params.operationName : null, limits);
    if (!(parsed instanceof GraphQLError)) return next();
    void charge(budgets, res.locals.budgetKey, REFUSAL_POINTS + (declared ? 0 : Math.floor(variablesBytes / BYTES_PER_POINT)))
      .then((wait) => {
        if (wait) return tooManyRequests(res, wait, res.locals.budgetKey);
        refuse(res, 400, String(parsed.extensions.code), parsed.message);
      })
      .catch(next);
  };
}

/** Body-parser failures (too large, not JSON) as GraphQL errors: a code, never a stack trace. */
export const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const type = (error as { type?: string }).type;
  if (type === "entity.too.large") return refuse(res, 413, ErrorCode.BAD_USER_INPUT, "The request body is too large.", { close: true });
  if (type === "entity.parse.failed" || type === "charset.unsupported" || type === "encoding.unsupported") {
    return refuse(res, 400, "BAD_REQUEST", "The request body is not valid JSON.");
  }
  console.error("Unexpected error before the GraphQL server:", error instanceof Error ? error.message : error);
  refuse(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
};

/**
 * Depth, alias and cost limits after Apollo's validation; charges the operation's cost; introspection and
 * "Did you mean…" hints only for those who may read the schema.
 */
export function limitsPlugin(services: Services, budgets: Budgets): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, contextValue, operation }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError("Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP.", { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
          }
          let cost = 0;
          const errors = checkOperationLimits(schema as GraphQLSchema, document, request.variables, request.operationName, services.config, {
            allowIntrospection: mayIntrospect(contextValue.user),
            onCost: (c) => void (cost = c),
          });
          const logins = (operation?.selectionSet.selections ?? []).filter((s) => s.kind === Kind.FIELD && s.name.value === "login").length;
          const points = (errors.length ? REFUSAL_POINTS : 0) + Math.floor(cost / COST_PER_POINT) + logins * LOGIN_POINTS;
          const wait = await charge(budgets, contextKeys.get(contextValue), points);
          if (wait) throw new GraphQLError("Too many requests; slow down.", { extensions: { code: ErrorCode.TOO_MANY_REQUESTS, http: { status: 429 } } });
          if (errors.length) throw errors[0];
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors || mayIntrospect(contextValue.user)) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => ({ ...e, message: withoutSuggestions(e.message) }));
        },
      };
    },
  };
}
