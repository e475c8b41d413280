import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file gets a fresh module graph and its own temporary database.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ["type-graphql"] } },
  },
});
