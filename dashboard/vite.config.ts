import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The API server serves dashboard/dist statically on the same origin as /graphql,
// so every page talks to "/graphql" without CORS and the build needs no env vars.
export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    // dist/.vite/manifest.json: test/unit/route-budget.test.ts weighs each route from it.
    manifest: true,
    emptyOutDir: true,
    // Monaco (inside GraphiQL) is several MB; the warning would fire on every build.
    chunkSizeWarningLimit: 5000,
    // Gzip-size reporting costs seconds on a 2-core machine and nobody reads it in CI.
    reportCompressedSize: false,
    rolldownOptions: {
      onwarn(warning, warn) {
        // @graphiql/react marks files "use no memo" for the React Compiler, which this
        // build does not run; dropping the directive changes nothing.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      input: {
        dashboard: page("./index.html"),
        graphiql: page("./graphiql/index.html"),
      },
    },
  },
  worker: {
    // Monaco's workers are ES modules; "es" keeps their code-split chunks loadable.
    format: "es",
  },
  server: {
    // `vite --config dashboard/vite.config.ts` for UI work against a running API on :4000.
    // WebSockets through the proxy carry Origin http://localhost:5173, which the API
    // accepts only when it is listed in ALLOWED_ORIGINS.
    proxy: {
      "/graphql": { target: "http://localhost:4000", ws: true },
    },
  },
});
