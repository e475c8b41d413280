import "reflect-metadata";
import { lexicographicSortSchema, type GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema } from "type-graphql";
import { authChecker } from "./auth/auth-checker.js";
import { applyAccessPolicies } from "./auth/policy.js";
import { validateInput } from "./common/input-problems.js";
import { resolvers } from "./resolvers.js";

/** The one schema, used by HTTP, WebSocket, the SDL emitter and the tests. */
export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    authChecker,
    // Every input is checked by its class-validator rules; a failure is BAD_USER_INPUT with `problems`,
    // the same shape the services use, so a form shows every error beside its field the same way.
    validateFn: (argValue) => validateInput(argValue),
    // type-graphql insists on a PubSub when there are subscriptions, but ours never use it: each one
    // reads the running server's PubSub from its context through eventStream, so the schema stays shareable.
    pubSub: createPubSub(),
    emitSchemaFile: false,
  });
  // Every object-typed field behind its type's read policy (server/auth/policy.ts).
  return applyAccessPolicies(lexicographicSortSchema(schema));
}
