import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { graphql, type ExecutionResult, type GraphQLSchema } from "graphql";
import { startApp, type RunningApp } from "../../server/app.js";
import { issueToken } from "../../server/auth/tokens.js";
import { loadConfig, type Config } from "../../server/config.js";
import { createContext } from "../../server/context.js";
import { seedDemoData } from "../../server/db/seed/demo-seed.js";
import { maskError } from "../../server/errors.js";
import { User } from "../../server/modules/users/user.entity.js";
import { createServices, type Services } from "../../server/services.js";

export interface TestServer {
  services: Services;
  app: RunningApp;
  schema: GraphQLSchema;
  /** Base URL of the real HTTP server. */
  url: string;
  dir: string;
  /** A valid token for a user, without going through bcrypt. */
  tokenFor(email: string): Promise<string>;
  /** Runs an operation in-process against the real schema, as the given user (null: anonymous). */
  run<T = Record<string, unknown>>(as: string | null, query: string, variables?: Record<string, unknown>): Promise<ExecutionResult<T>>;
  /** Same, over real HTTP. */
  http<T = Record<string, unknown>>(as: string | null, query: string, variables?: Record<string, unknown>): Promise<ExecutionResult<T> & { status: number }>;
  close(): Promise<void>;
}

/** A server on a fresh temporary SQLite file, listening on a free port, with the demo data loaded. */
export async function startTestServer(options: { seed?: boolean; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-test-"));
  const config: Config = loadConfig({ DATABASE_PATH: path.join(dir, "test.sqlite"), NODE_ENV: "test", RATE_LIMIT_PER_MINUTE: "0", ...options.env });
  const services = await createServices(config);
  if (options.seed !== false) await seedDemoData(services.writer.dataSource);
  const app = await startApp(services, 0, "127.0.0.1");
  const tokens = new Map<string, string>();

  async function tokenFor(email: string): Promise<string> {
    const cached = tokens.get(email);
    if (cached) return cached;
    const user = await services.db.manager.findOneByOrFail(User, { email });
    const { token } = await issueToken({ userId: user.id, tokenVersion: user.tokenVersion }, config);
    tokens.set(email, token);
    return token;
  }

  return {
    services,
    app,
    schema: app.schema,
    url: app.url,
    dir,
    tokenFor,
    async run(as, query, variables) {
      const contextValue = await createContext(services, as ? `Bearer ${await tokenFor(as)}` : undefined);
      const result = await graphql({ schema: app.schema, source: query, variableValues: variables, contextValue });
      if (!result.errors) return result as never;
      return { ...result, errors: result.errors.map((e) => ({ ...maskError(e.toJSON(), e, () => {}), originalError: e })) } as never;
    },
    async http(as, query, variables) {
      const response = await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(as ? { authorization: `Bearer ${await tokenFor(as)}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { ...((await response.json()) as ExecutionResult<never>), status: response.status };
    },
    async close() {
      await app.stop();
      await services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error codes of a result, in order. */
export function codes(result: ExecutionResult<unknown>): unknown[] {
  return (result.errors ?? []).map((e) => (e as { extensions?: { code?: unknown } }).extensions?.code);
}
