import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { rateLimit } from "express-rate-limit";
import { GraphQLError, parse, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { CloseCode, type Context as WsContext } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { authenticate, createContext, type Context } from "./context.js";
import { ErrorCode, maskError } from "./errors.js";
import { liveSubscribe, openLiveSession, sharedParse, subscriptionContext } from "./realtime/live-transport.js";
import { createSchema } from "./schema.js";
import { checkOperationLimits } from "./security/operation-limits.js";
import type { Services } from "./services.js";

const DASHBOARD_DIST = path.resolve("dashboard/dist");

export interface RunningApp {
  httpServer: http.Server;
  schema: GraphQLSchema;
  /** Base URL once listening, e.g. http://127.0.0.1:4000 */
  url: string;
  stop(): Promise<void>;
}

/** The same limits on HTTP as graphql-ws applies in onSubscribe. */
function operationLimitsPlugin(services: Services): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, contextValue }) {
          const errors = checkOperationLimits(schema, document, request.variables, request.operationName, services.config, {
            allowIntrospection: !services.config.production || contextValue.user != null,
          });
          if (errors.length) throw errors[0];
        },
      };
    },
  };
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
  const httpServer = http.createServer(app);

  const wsServer = new WebSocketServer({
    server: httpServer,
    path: "/graphql",
    verifyClient: ({ origin, req }, done) => done(originAllowed(origin, req.headers.host, config.allowedOrigins), 403, "Origin not allowed"),
  });
  const wsCleanup = useServer<Record<string, unknown>, { context?: Context; socket: import("ws").WebSocket }>(
    {
      schema,
      // A WebSocket without a valid token is refused at connection time.
      onConnect: async (ctx: WsContext<Record<string, unknown>, { context?: Context; socket: import("ws").WebSocket }>) => {
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        const user = await authenticate(services, authorization);
        if (!user) return false;
        // Subscriptions read through their own connection (see Services.liveDb).
        ctx.extra.context = await createContext({ ...services, db: services.liveDb }, authorization);
        openLiveSession(ctx.extra.context, ctx.extra.socket);
        return true;
      },
      // Execution and fan-out belong to the live hub (server/realtime/live-transport.ts).
      parse: sharedParse,
      context: (ctx, id, payload) => subscriptionContext(ctx.extra.context!, ctx.extra.socket, id, payload),
      subscribe: liveSubscribe,
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError("Could not parse the operation.", { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
        }
        const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
        const operation = payload.operationName ? operations.find((o) => o.name?.value === payload.operationName) : operations[0];
        if (!operation || operation.operation !== "subscription") {
          return [new GraphQLError("Only subscriptions are accepted over WebSocket; send queries and mutations over HTTP.", { extensions: { code: ErrorCode.FORBIDDEN } })];
        }
        const errors = checkOperationLimits(schema, document, payload.variables ?? undefined, payload.operationName, config, { allowIntrospection: false });
        if (errors.length) return [...errors];
        void ctx;
        return undefined;
      },
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

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true, // limited per request by operationLimitsPlugin: anonymous callers get none in production
    formatError: (formatted, error) => maskError(formatted, error),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      operationLimitsPlugin(services),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  app.get("/healthz", async (_req, res) => {
    try {
      await services.db.query("SELECT 1");
      res.json({ status: "ok" });
    } catch {
      res.status(503).json({ status: "unavailable" });
    }
  });
  app.use(
    "/graphql",
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      skip: () => config.rateLimitPerMinute === 0,
      standardHeaders: "draft-7",
      legacyHeaders: false,
      message: { errors: [{ message: "Too many requests; slow down.", extensions: { code: ErrorCode.TOO_MANY_REQUESTS } }] },
    }),
    express.json({ limit: "12mb" }) /* a 10 MB CSV upload, as JSON */,
    expressMiddleware(apollo, { context: async ({ req }) => createContext(services, req.headers.authorization) }),
  );
  if (fs.existsSync(DASHBOARD_DIST)) {
    app.use(express.static(DASHBOARD_DIST, { index: "index.html" }));
    // Client-side routes (/board?office=1&quarter=5, /provider/returns/3/7) are deep links into the single-page app.
    const indexHtml = path.join(DASHBOARD_DIST, "index.html");
    app.get(/^\/(?!graphql|healthz|graphiql|assets).*/, (_req, res) => res.sendFile(indexHtml));
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
      await apollo.stop();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
