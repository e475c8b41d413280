import fs from "node:fs";
import path from "node:path";
import { printSchema } from "graphql";
import { createSchema } from "./schema.js";

/** Writes schema/schema.graphql from the server's schema; with --check, fails if the committed file differs. */
const target = path.resolve("schema/schema.graphql");
const sdl = `${printSchema(await createSchema())}\n`;
if (process.argv.includes("--check")) {
  const committed = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  if (committed !== sdl) {
    console.error("schema/schema.graphql is stale: run `npm run schema` and commit the result.");
    process.exit(1);
  }
  console.log("schema/schema.graphql is up to date.");
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, sdl);
  console.log(`Wrote ${path.relative(process.cwd(), target)}`);
}
