import { createSourceEventStream, execute, parse, type DocumentNode, type ExecutionArgs, type ExecutionResult, type ParseOptions, type Source } from "graphql";
import type { SubscribePayload } from "graphql-ws";
import type { WebSocket } from "ws";
import type { Context } from "../context.js";
import { Loaders } from "../db/loaders.js";
import { LiveSource } from "./live-hub.js";

/*
 * The glue between graphql-ws and the live hub, as three graphql-ws options (`parse`, `context`, `subscribe`) and
 * one call in onConnect. graphql-ws would execute and serialise every event once per subscriber; here a
 * subscription whose resolver returns a LiveSource is handed to the hub instead, which writes shared bytes to the
 * socket itself. graphql-ws still owns the protocol: subscribe, complete, errors, close.
 */

const targets = new WeakMap<object, { socket: WebSocket; id: string; query: string }>();

/** Registers the socket's user in the session registry (onConnect, after the context is built). */
export function openLiveSession(context: Context, socket: WebSocket): void {
  if (context.user) context.services.live.sessions.open(context.user, socket);
}

/** graphql-ws `context`: a context per subscription, which remembers where its results go. */
export function subscriptionContext(connection: Context, socket: WebSocket, id: string, payload: SubscribePayload): Context {
  // graphql-ws keeps the subscribe message for the subscription's life: share one copy of a common document's text.
  const shared = documents.get(payload.query);
  if (shared) (payload as { query: string }).query = shared.source;
  const context: Context = { ...connection, loaders: new Loaders(connection.services.db.manager) };
  targets.set(context, { socket, id, query: payload.query });
  return context;
}

const documents = new Map<string, { source: string; document: DocumentNode }>();
const DOCUMENT_CACHE = 500;

/** graphql-ws `parse`: identical documents (every open board sends the same one) are parsed once and shared. */
export function sharedParse(source: string | Source, options?: ParseOptions): DocumentNode {
  if (typeof source !== "string" || options) return parse(source, options);
  let entry = documents.get(source);
  if (!entry) {
    entry = { source, document: parse(source) };
    if (documents.size >= DOCUMENT_CACHE) documents.delete(documents.keys().next().value!);
    documents.set(source, entry);
  }
  return entry.document;
}

/** graphql-ws `subscribe`: LiveSources go to the hub; any other source stream is executed per event as usual. */
export async function liveSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return source as ExecutionResult;
  const target = targets.get(args.contextValue as object);
  if (source instanceof LiveSource && target) {
    const control = (args.contextValue as Context).services.live.attachSocket(source, target, { schema: args.schema, document: args.document, variableValues: args.variableValues as Record<string, unknown> | undefined, operationName: args.operationName });
    // graphql-ws keeps these arguments for as long as the subscription lives, but never executes with them
    // again: let the per-subscription context (its loaders, their caches) go, so a subscriber costs only its
    // place in the hub's group.
    (args as { contextValue: unknown }).contextValue = undefined;
    targets.delete(source.ctx);
    return control;
  }
  return mapSource(source as AsyncIterable<unknown>, args);
}

async function* mapSource(source: AsyncIterable<unknown>, args: ExecutionArgs): AsyncGenerator<ExecutionResult> {
  for await (const payload of source) yield (await execute({ ...args, rootValue: payload })) as ExecutionResult;
}
