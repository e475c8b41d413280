// GraphiQL 5 edits with Monaco, which needs `MonacoEnvironment.getWorker` before any
// editor mounts. This mirrors graphiql's own `graphiql/setup-workers/vite`, but lives in
// app source: `?worker` imports inside a published package break Vite's dependency
// pre-bundling (graphql/graphiql#4038, #4473), whereas here Vite's worker plugin
// bundles each worker into dist/assets like any other chunk, so nothing loads from a CDN.
import EditorWorker from "monaco-editor/esm/vs/editor/editor.worker.js?worker";
import JsonWorker from "monaco-editor/esm/vs/language/json/json.worker.js?worker";
import GraphQLWorker from "monaco-graphql/esm/graphql.worker.js?worker";
// Type-only: brings in Monaco's declaration of the global `MonacoEnvironment`.
import type {} from "monaco-editor";

window.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case "json":
        return new JsonWorker();
      case "graphql":
        return new GraphQLWorker();
      default:
        return new EditorWorker();
    }
  },
};
