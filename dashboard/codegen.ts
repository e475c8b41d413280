import type { CodegenConfig } from "@graphql-codegen/cli";

/** Types every operation written in the dashboard's components from the committed schema. */
const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["dashboard/src/**/*.{ts,tsx}", "!dashboard/src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "dashboard/src/gql/": {
      preset: "client",
      config: {
        scalars: { DateTimeISO: "string", SafeInt: "number", JSON: "unknown" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
