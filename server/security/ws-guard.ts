import type { IncomingMessage } from "node:http";
import { getVariableValues, GraphQLError, Kind, type ExecutionArgs, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import type { SubscribePayload } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import { bearerToken, verifyToken } from "../auth/tokens.js";
import type { Config } from "../config.js";
import { ErrorCode } from "../errors.js";
import type { User } from "../modules/users/user.entity.js";
import { spend, type Budgets } from "./budgets.js";
import { clientAddress } from "./client-address.js";
import { checkOperationLimits } from "./operation-limits.js";
import { mayIntrospect, parseWithinLimits, withoutSuggestions } from "./request-limits.js";

/** How a socket over its budget is closed: an application close code (4000-4999) and a reason. */
export enum BudgetCloseCode {
  /** More messages (subscribe or any other) than the socket's token bucket allows. */
  TooManySubscribes = 4029,
  /** The user already holds WS_CONNECTIONS_PER_USER open sockets. */
  TooManyConnections = 4030,
  /** The user opened more than WS_CONNECTS_PER_MINUTE sockets in a minute. */
  TooManyConnects = 4031,
  /**
   * The account is in the penalty box after repeated abuse closes (the reason says for how long). Not 4429:
   * graphql-ws's clients take that one (its "too many initialisation requests") as fatal and never reconnect.
   */
  Penalised = 4032,
}

/**
 * Closes that count as an offence towards the penalty box. Not 4030 (too many open connections): a user with many
 * tabs meets it without abusing anything, and the cap itself already bounds what it costs.
 */
const ABUSE_CLOSES = new Set<number>([1009, BudgetCloseCode.TooManySubscribes, BudgetCloseCode.TooManyConnects]);

/** The answer to an upgrade: go ahead, or an HTTP refusal (its status, message and headers). */
export type UpgradeAnswer = { ok: true } | { ok: false; status: number; message: string; headers?: Record<string, string> };
// Messages over WS_MAX_PAYLOAD_BYTES are closed by `ws` itself with 1009 (RFC 6455 "message too big"),
// and sockets that never send connection_init by graphql-ws with 4408 after WS_INIT_TIMEOUT_MS.

/** A token bucket: `capacity` at once, refilled at `perSecond`. Synchronous, because it runs on every message. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.at = now();
  }

  take(count = 1): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }
}

/** A refused subscribe message costs this much more of the bucket than an accepted one. */
const REFUSAL_TOKENS = 5;

/**
 * What the WebSocket server refuses before it executes anything, and the budgets of each socket and user:
 * connections per user, connection attempts per user, subscribe messages per socket. (Execution and fan-out
 * are the realtime layer's; this only decides what reaches it.)
 */
export class WsGuard {
  private readonly byUser = new Map<number, Set<WebSocket>>();
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();
  /** Sockets closed over budget: whatever they still send is dropped unread. */
  private readonly closing = new WeakSet<WebSocket>();
  private readonly heldUpgrades = new Map<string, number>();
  /** Each socket's client address and (after connection_init) account, for the penalty box. */
  private readonly addresses = new WeakMap<WebSocket, string | undefined>();
  private readonly users = new WeakMap<WebSocket, number>();

  constructor(
    private readonly config: Config,
    private readonly budgets: Budgets,
  ) {}

  /**
   * `ws` verifyClient, after the Origin check: first the penalty box (an address whose sockets were closed for abuse
   * is refused for a growing period, before any handshake), then upgrades per address per minute. Either refusal
   * (HTTP 429, with Retry-After) is held back up to a second, so a client reconnecting in a loop waits instead of
   * costing handshakes.
   */
  async allowUpgrade(address: string | undefined): Promise<UpgradeAnswer> {
    const key = `addr:${address ?? "unknown"}`;
    const boxedMs = await this.budgets.penaltyAddresses.boxed(key);
    if (boxedMs) {
      await this.holdRefusal(key, boxedMs);
      const seconds = Math.ceil(this.budgets.penaltyAddresses.boxedLocally(key) / 1000) || 1;
      return { ok: false, status: 429, message: `Connections refused for ${seconds} s after repeated abuse`, headers: { "Retry-After": String(seconds) } };
    }
    if (this.config.security.wsUpgradesPerMinute === 0) return { ok: true };
    const wait = await spend(this.budgets.wsUpgrades, key, 1);
    if (!wait) return { ok: true };
    await this.holdRefusal(key, wait);
    return { ok: false, status: 429, message: "Too many connection attempts", headers: { "Retry-After": String(Math.ceil(wait / 1000)) } };
  }

  /** Waits up to a second before a refusal is answered; at most 16 refusals are held per client, the rest answered at once. */
  private async holdRefusal(key: string, wait: number): Promise<void> {
    const holding = this.heldUpgrades.get(key) ?? 0;
    if (holding >= 16) return;
    this.heldUpgrades.set(key, holding + 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, wait)).unref());
    const left = (this.heldUpgrades.get(key) ?? 1) - 1;
    if (left > 0) this.heldUpgrades.set(key, left);
    else this.heldUpgrades.delete(key);
  }

  /** A socket closed for abuse: an offence of its address and, once known, of its account. */
  private offence(socket: WebSocket, code: number): void {
    if (!ABUSE_CLOSES.has(code)) return;
    const address = this.addresses.get(socket);
    const userId = this.users.get(socket);
    void this.budgets.penaltyAddresses.offend(`addr:${address ?? "unknown"}`).catch(() => {});
    if (userId !== undefined) void this.budgets.penaltyAccounts.offend(`user:${userId}`).catch(() => {});
  }

  /** `ws` options: the largest message a socket may send. */
  get maxPayload(): number {
    return this.config.security.wsMaxPayloadBytes;
  }

  /**
   * Call before graphql-ws attaches. Every message, ping and pong is charged to the socket's bucket before graphql-ws parses it,
   * and once a socket is over budget nothing more it sends is looked at. A client's protocol errors (oversized
   * frames) are logged in one line, not as stacks.
   */
  attach(wsServer: WebSocketServer): void {
    const s = this.config.security;
    wsServer.on("connection", (socket: WebSocket, request: IncomingMessage) => {
      const bucket = new TokenBucket(s.wsSubscribeBurst, s.wsSubscribesPerSecond);
      this.buckets.set(socket, bucket);
      this.addresses.set(socket, clientAddress(request, s.trustProxy));
      const emit = socket.emit.bind(socket);
      socket.emit = ((event: string | symbol, ...args: unknown[]) => {
        // Control frames cost what messages do: a flood of pings is still a flood. The server answers pings itself
        // (autoPong is off), so one over budget gets no pong, only the close.
        if (event === "message" || event === "ping" || event === "pong") {
          if (this.closing.has(socket)) return false;
          if (!bucket.take(1)) {
            this.overBudget(socket);
            return false;
          }
          if (event === "ping") socket.pong(args[0] as Buffer, false, () => {});
        }
        const error = args[0] as { code?: unknown } | undefined;
        if (event === "error" && typeof error?.code === "string" && error.code.startsWith("WS_ERR_")) {
          // `ws` has already sent the matching close (1009 for an oversized message) but would go on reading, and
          // throwing away, whatever the client still sends until it answers: cut it off shortly.
          setImmediate(() => socket.pause()); // after ws's own resume (scheduled on the next tick)
          setTimeout(() => socket.terminate(), 200).unref();
          // Oversized (1009) or malformed (1002, 1007) frames: no browser sends either.
          this.offence(socket, 1009);
          console.warn(`WebSocket from ${this.addresses.get(socket)}: ${error.code} (${(error as unknown as Error).message}); closed.`);
          return true;
        }
        return emit(event, ...args);
      }) as typeof socket.emit;
    });
  }

  /**
   * Before the account is looked up: charges a connection attempt to the token's user, so reconnecting in a loop
   * costs a signature check, not a database query. False (and the socket closed with its code) when over budget.
   */
  async allowAttempt(socket: WebSocket, authorization: unknown): Promise<boolean> {
    const token = bearerToken(authorization);
    const claims = token ? await verifyToken(token, this.config) : null;
    if (!claims) return true; // no token: refused anyway, by authentication
    this.users.set(socket, claims.userId);
    const boxedMs = await this.budgets.penaltyAccounts.boxed(`user:${claims.userId}`);
    if (boxedMs) {
      // Coming back while boxed is itself an offence of the address it comes from.
      void this.budgets.penaltyAddresses.offend(`addr:${this.addresses.get(socket) ?? "unknown"}`).catch(() => {});
      socket.close(BudgetCloseCode.Penalised, `Connections refused for ${Math.ceil(boxedMs / 1000)} s after repeated abuse`);
      return false;
    }
    if (this.config.security.wsConnectsPerMinute === 0) return true;
    const wait = await spend(this.budgets.wsConnects, `user:${claims.userId}`, 1);
    if (!wait) return true;
    socket.close(BudgetCloseCode.TooManyConnects, `Too many connections opened; wait ${Math.ceil(wait / 1000)} s`);
    this.offence(socket, BudgetCloseCode.TooManyConnects);
    return false;
  }

  /** After authentication: false when the user already holds all the sockets allowed (the socket is then closed with its code). */
  admit(socket: WebSocket, user: User): boolean {
    const s = this.config.security;
    const open = this.byUser.get(user.id) ?? new Set<WebSocket>();
    if (s.wsConnectionsPerUser > 0 && open.size >= s.wsConnectionsPerUser) {
      socket.close(BudgetCloseCode.TooManyConnections, `At most ${s.wsConnectionsPerUser} connections per user`);
      return false;
    }
    open.add(socket);
    this.byUser.set(user.id, open);
    socket.once("close", () => {
      open.delete(socket);
      if (open.size === 0 && this.byUser.get(user.id) === open) this.byUser.delete(user.id);
    });
    return true;
  }

  /** Open sockets of a user (for tests and the session registry). */
  connections(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /**
   * One subscribe message: charged to the socket's bucket, then the byte, token and directive limits, then
   * subscriptions only, then graphql-js validation with the depth, alias and cost limits. Returns what graphql-ws
   * should execute, or the errors (each with its code), or — for a socket closed over budget — never.
   */
  subscribe(socket: WebSocket, user: User | null, schema: GraphQLSchema, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] | Promise<never> {
    // The message itself was charged on arrival (attach); a refusal costs more.
    const bucket = this.buckets.get(socket);
    const refuse = (errors: readonly GraphQLError[]) => {
      if (bucket && !bucket.take(REFUSAL_TOKENS)) return this.overBudget(socket);
      // `http` tells Apollo the status of an HTTP response; a WebSocket client has no use for it.
      return errors.map(({ message, nodes, extensions: { http: _status, ...extensions } }) => new GraphQLError(message, { nodes, extensions }));
    };
    const variablesBytes = payload.variables ? Buffer.byteLength(JSON.stringify(payload.variables)) : 0;
    const document = parseWithinLimits(payload.query, variablesBytes, payload.operationName, this.config.security);
    if (document instanceof GraphQLError) return refuse([document]);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = payload.operationName ? operations.find((o) => o.name?.value === payload.operationName) : operations.length === 1 ? operations[0] : undefined;
    if (!operation) return refuse([new GraphQLError("Name the operation to run (operationName).", { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })]);
    if (operation.operation !== "subscription") {
      return refuse([new GraphQLError("Only subscriptions are accepted over WebSocket; send queries and mutations over HTTP.", { extensions: { code: ErrorCode.FORBIDDEN } })]);
    }
    const schemaReader = mayIntrospect(user);
    const errors = checkOperationLimits(schema, document, payload.variables ?? undefined, payload.operationName, this.config, {
      allowIntrospection: schemaReader,
      specifiedRules: true,
    });
    if (errors.length) return refuse(errors);
    // Variables are coerced here so a wrong one is BAD_USER_INPUT, as over HTTP, not an error without a code.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
    if (coerced.errors) return refuse(coerced.errors.map((e) => new GraphQLError(schemaReader ? e.message : withoutSuggestions(e.message), { extensions: { code: ErrorCode.BAD_USER_INPUT } })));
    return { schema, document, variableValues: payload.variables ?? {}, operationName: payload.operationName ?? undefined };
  }

  private overBudget(socket: WebSocket): Promise<never> {
    if (!this.closing.has(socket)) {
      this.closing.add(socket);
      socket.close(BudgetCloseCode.TooManySubscribes, "Too many messages");
      this.offence(socket, BudgetCloseCode.TooManySubscribes);
      // Read nothing more from it (the close frame still goes out); a client that never answers the close is cut off.
      socket.pause();
      setTimeout(() => socket.terminate(), 1000).unref();
    }
    // graphql-ws waits on this answer; the socket is closing, so there is nothing left to send.
    return new Promise<never>(() => {});
  }
}
