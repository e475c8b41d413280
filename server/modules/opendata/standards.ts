import fs from "node:fs";
import path from "node:path";
import AjvDraft04 from "ajv-draft-04";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { ErrorObject, ValidateFunction } from "ajv";

/**
 * Validation against the published schemas (../shared/standards, or STANDARDS_DIR): OCDS 1.1.5 with the metrics
 * extension applied as a JSON Merge Patch (draft 4), and the 360Giving package and grant schemas (draft 2020-12:
 * the copies we hold declare 2020-12, not draft 4, so they get ajv's 2020 dialect).
 */
export function standardsDir(): string {
  return path.resolve(process.env.STANDARDS_DIR ?? "../shared/standards");
}

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(standardsDir(), file), "utf8"));

/** RFC 7386 JSON Merge Patch: objects merge key by key, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export interface Validators {
  ocdsPackage: ValidateFunction;
  grantPackage: ValidateFunction;
}

let cached: Validators | undefined;

export function validators(): Validators {
  if (cached) return cached;
  // The schemas carry their own vocabulary (codelist, openCodelist, mergeStrategy, rollUp…): not strict.
  const draft4 = new AjvDraft04({ strict: false, allErrors: true });
  addFormats(draft4);
  const release = mergePatch(read("ocds-1.1.5/release-schema.json"), read("ocds-metrics-extension/release-schema.json"));
  draft4.addSchema(release as object);
  const ocdsPackage = draft4.compile(read("ocds-1.1.5/release-package-schema.json"));

  const draft2020 = new Ajv2020({ strict: false, allErrors: true });
  addFormats(draft2020);
  // They name the dialect as http://json-schema.org/draft/2020-12/schema, which ajv knows by its https address.
  const { $schema: _dialect, ...grant } = read("360giving/360-giving-schema.json");
  const { $schema: _packageDialect, ...grantPackageSchema } = read("360giving/360-giving-package-schema.json");
  // The package schema refers to the grant schema by an older release's URL; the copy we hold is the same schema.
  const refs = JSON.stringify(grantPackageSchema).match(/https:\/\/raw\.githubusercontent\.com\/ThreeSixtyGiving\/standard\/[^"#]*360-giving-schema\.json/g) ?? [];
  draft2020.addSchema(grant);
  for (const ref of new Set(refs)) if (ref !== grant.$id) draft2020.addSchema({ ...grant, $id: ref });
  cached = { ocdsPackage, grantPackage: draft2020.compile(grantPackageSchema) };
  return cached;
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}
