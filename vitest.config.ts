import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships both an ESM and a CJS build. Apollo Server requires the CJS one; without this alias the
    // modules vitest transforms would import the ESM one, and graphql refuses objects from "another realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Each file gets a fresh module graph and its own temporary database.
    pool: "forks",
    // Generous: browser tests on a loaded 2-core machine are slow; a timeout only catches hung tests.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ["type-graphql", "graphql-scalars"] } },
  },
});
