import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import compression from "compression";
import express from "express";
import type { GraphQLSchema } from "graphql";
import type { Context as WsContext } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { authenticate, createContext, type Context } from "./context.js";
import { maskError } from "./errors.js";
import { compiledExecutor, type ExecutorRequest } from "./compiled-executor.js";
import { createHttpDrain } from "./http-drain.js";
import { openDataRouter } from "./modules/opendata/open-data.routes.js";
import { attachmentRouter } from "./modules/attachments/attachment.routes.js";
import { unsubscribeRouter } from "./modules/mail/unsubscribe.routes.js";
import { liveSubscribe, openLiveSession, sharedParse, subscriptionContext } from "./realtime/live-transport.js";
import { createSchema } from "./schema.js";
import { compressSmallAnswers, SMALL_ANSWER_BYTES } from "./small-answers.js";
import { budgetsFor, closeBudgets } from "./security/budgets.js";
import { clientAddress } from "./security/client-address.js";
import { securityHeaders } from "./security/headers.js";
import { bodyErrors, chargeRequest, checkBeforeParsing, limitsPlugin, rememberClient } from "./security/http-guard.js";
import { largeJsonBodies } from "./security/json-body.js";
import { WsGuard } from "./security/ws-guard.js";
import type { Services } from "./services.js";
import { FAULT_MESSAGES, storeFault } from "./db/store-faults.js";

const DASHBOARD_DIST = path.resolve("dashboard/dist");

/**
 * JSON answers from this size up are streamed through compression() at the fast settings (see startApp); smaller
 * ones are compressed in one call, at fast settings too (small-answers.ts). Only the dashboard's files get the defaults.
 */
export const LARGE_JSON_ANSWER_BYTES = SMALL_ANSWER_BYTES;

function largeJsonAnswer(res: http.ServerResponse): boolean {
  const type = String(res.getHeader("Content-Type") ?? "");
  return Number(res.getHeader("Content-Length") ?? 0) >= LARGE_JSON_ANSWER_BYTES && (type.startsWith("application/json") || type.startsWith("application/graphql-response+json"));
}

/**
 * Vite names every built asset by its content hash (assets/explorer-hKx-645B.js), so a browser may keep one for a year
 * without asking; the HTML pages that name them must be revalidated every time, or a deploy would never reach anyone.
 */
function dashboardCacheHeaders(res: http.ServerResponse, filePath: string): void {
  if (/[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/.test(filePath)) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
  else if (filePath.endsWith(".html")) res.setHeader("Cache-Control", "no-cache");
}

export interface RunningApp {
  httpServer: http.Server;
  schema: GraphQLSchema;
  /** Base URL once listening, e.g. http://127.0.0.1:4000 */
  url: string;
  stop(): Promise<void>;
}

function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  // Non-browser clients send no Origin; browsers must come from this server or a configured origin.
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** One http.Server: GraphQL over HTTP and WebSocket at /graphql, the dashboard at /, GraphiQL at /graphiql, /healthz. */
export async function startApp(services: Services, port: number, host = "0.0.0.0"): Promise<RunningApp> {
  const { config } = services;
  const schema = await createSchema();
  const app = express();
  app.disable("x-powered-by");
  // req.ip honours X-Forwarded-For only from the proxies TRUST_PROXY names (address budgets use clientAddress).
  app.set("trust proxy", config.security.trustProxy ?? false);
  app.use(securityHeaders());
  // Brotli or gzip for whatever the client accepts: the dashboard's scripts, its pages and GraphQL answers alike
  // (small GraphQL answers are compressed before they get here: see compressSmallAnswers below).
  // Large JSON answers (a full office's scorecard is 2.4 MB) are made per request and cannot be compressed ahead:
  // at the default settings that cost ~20 ms of CPU each, so they get the fast settings (about 8 ms, ~25% larger).
  // Two instances with disjoint filters: the inner one (registered second) decides first, by Content-Length.
  app.use(compression({ level: 1, brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2 } }, filter: (req, res) => largeJsonAnswer(res) && compression.filter(req, res) }));
  // GraphQL's small answers never reach it (compressSmallAnswers has them), so it is not wrapped around them at all.
  const defaultCompression = compression({ filter: (req, res) => !largeJsonAnswer(res) && compression.filter(req, res) });
  app.use((req, res, next) => (req.path === "/graphql" ? next() : defaultCompression(req, res, next)));
  // Stopping answers every request already taken and refuses new ones cleanly (server/http-drain.ts).
  const httpDrain = createHttpDrain();
  const httpServer = http.createServer(httpDrain.guard(app));
  httpDrain.attach(httpServer);
  const budgets = budgetsFor(services);
  const wsGuard = new WsGuard(config, budgets);

  const wsServer = new WebSocketServer({
    server: httpServer,
    path: "/graphql",
    maxPayload: wsGuard.maxPayload,
    // Pings are answered by the guard, within the socket's message budget (ws-guard.ts).
    autoPong: false,
    verifyClient: ({ origin, req }, done) => {
      if (!originAllowed(origin, req.headers.host, config.allowedOrigins)) return done(false, 403, "Origin not allowed");
      void wsGuard.allowUpgrade(clientAddress(req, config.security.trustProxy)).then((a) => (a.ok ? done(true) : done(false, a.status, a.message, a.headers)), () => done(false, 503));
    },
  });
  wsGuard.attach(wsServer);
  const wsCleanup = useServer<Record<string, unknown>, { context?: Context; socket: WebSocket }>(
    {
      schema,
      connectionInitWaitTimeout: config.security.wsInitTimeoutMs,
      // A WebSocket without a valid token is refused at connection time.
      onConnect: async (ctx: WsContext<Record<string, unknown>, { context?: Context; socket: WebSocket }>) => {
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        if (!(await wsGuard.allowAttempt(ctx.extra.socket, authorization))) return false;
        const user = await authenticate(services, authorization);
        if (!user) return false;
        if (!wsGuard.admit(ctx.extra.socket, user)) return false;
        // Subscriptions read through their own connection (see Services.liveDb).
        ctx.extra.context = await createContext({ ...services, db: services.liveDb }, authorization);
        openLiveSession(ctx.extra.context, ctx.extra.socket);
        return true;
      },
      // Execution and fan-out belong to the live hub (server/realtime/live-transport.ts).
      parse: sharedParse,
      context: (ctx, id, payload) => subscriptionContext(ctx.extra.context!, ctx.extra.socket, id, payload),
      subscribe: liveSubscribe,
      // Everything refused before execution, each refusal with its code: see server/security/ws-guard.ts.
      onSubscribe: (ctx, _id, payload) => wsGuard.subscribe(ctx.extra.socket, ctx.extra.context?.user ?? null, schema, payload) as never,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => maskError(e.toJSON(), e)) as never,
      onNext: (_ctx, _id, _payload, _args, result) => {
        if ("errors" in result && result.errors?.length) {
          return { ...result, errors: result.errors.map((e) => maskError(e.toJSON(), e.originalError ?? e)) } as never;
        }
        return undefined;
      },
    },
    wsServer,
  );

  let wsDisposed: Promise<void> | null = null;
  const disposeWs = () => (wsDisposed ??= Promise.resolve(wsCleanup.dispose()));

  const executor = compiledExecutor(schema);
  const apollo = new ApolloServer<Context>({
    // Apollo's executor hook (a "gateway" serving our own schema): operations run compiled (server/compiled-executor.ts).
    gateway: {
      async load() {
        return { executor: (request) => executor(request as unknown as ExecutorRequest) as never };
      },
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: "" });
        return () => {};
      },
      async stop() {},
    },
    introspection: true, // limited per request by limitsPlugin: staff and analysts only
    includeStacktraceInErrorResponses: config.security.exposeStackTraces,
    persistedQueries: false,
    parseOptions: { maxTokens: config.security.maxTokens },
    formatError: (formatted, error) => maskError(formatted, error),
    plugins: [
      limitsPlugin(services, budgets),
      // No cache hints anywhere: Apollo's default cache-control plugin only hooked every field (135,000 calls for
      // a full office's scorecard, ~30% of its CPU) to send `no-store`, which we send ourselves.
      ApolloServerPluginCacheControlDisabled(),
      // GraphiQL is at /graphiql; Apollo's page would load Apollo's Sandbox from its CDN, which the CSP refuses anyway.
      ApolloServerPluginLandingPageDisabled(),
      { async requestDidStart() { return { async willSendResponse({ response }) { response.http.headers.set("cache-control", "no-store"); } }; } },
      { async serverWillStart() { return { async drainServer() { await disposeWs(); } }; } },
    ],
  });
  await apollo.start();

  app.get("/healthz", async (_req, res) => {
    const store = services.writer.health();
    if (!store.available) {
      res.status(503).json({ status: "unavailable", reason: store.reason, message: store.message, since: store.since });
      return;
    }
    try {
      await services.db.query("SELECT 1");
      res.json({ status: "ok" });
    } catch (error) {
      const reason = storeFault(error) ?? (services.config.databaseUrl ? "CONNECTION" : "IO_ERROR");
      res.status(503).json({ status: "unavailable", reason, message: FAULT_MESSAGES[reason] });
    }
  });
  // GraphQL answers carry no ETag: they are POSTed or sent no-store, so nothing would ever revalidate one, and
  // express would hash every answer for it. Its own express app, so only these answers lose it.
  const graphqlApp = express();
  graphqlApp.disable("x-powered-by");
  graphqlApp.set("etag", false);
  app.use("/graphql", graphqlApp);
  graphqlApp.use(
    compressSmallAnswers() /* a board's answer in one synchronous call, not a zlib stream each (small-answers.ts) */,
    chargeRequest(services, budgets),
    largeJsonBodies(config.security.maxBodyBytes) /* parsed off the event loop (json-body.ts) */,
    express.json({ limit: config.security.maxBodyBytes }) /* a 10 MB CSV upload, as JSON */,
    checkBeforeParsing(services, budgets),
    expressMiddleware(apollo, { context: async ({ req, res }) => rememberClient(res, await createContext(services, req.headers.authorization)) }),
    bodyErrors,
  );
  app.use("/attachments", attachmentRouter(services, budgets)); // uploads (bearer token, raw body, capped) and downloads
  app.use("/open", openDataRouter(services)); // public transparency pages' data and open-data files, no sign-in
  app.use("/mail", unsubscribeRouter(services)); // signed unsubscribe links, no sign-in
  if (fs.existsSync(DASHBOARD_DIST)) {
    app.use(express.static(DASHBOARD_DIST, { index: "index.html", setHeaders: dashboardCacheHeaders }));
    // Client-side routes (/board?office=1&quarter=5, /provider/returns/3/7) are deep links into the single-page app.
    const indexHtml = path.join(DASHBOARD_DIST, "index.html");
    app.get(/^\/(?!graphql|healthz|graphiql|assets|attachments).*/, (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(indexHtml);
    });
  } else {
    app.get("/", (_req, res) => res.type("text").send("The dashboard has not been built: run `npm run build:dashboard`."));
  }

  await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
  const address = httpServer.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    httpServer,
    schema,
    url: `http://${host === "0.0.0.0" ? "localhost" : host}:${actualPort}`,
    async stop() {
      // Subscribers are told 1001 (going away) while the requests already taken are answered.
      await Promise.all([httpDrain.drain(), disposeWs()]);
      await apollo.stop();
      closeBudgets(services);
    },
  };
}
