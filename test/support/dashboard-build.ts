import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

/** What the server sends for a route: its JavaScript and CSS files, each as sent raw, gzip and brotli. */
export interface RouteWeight {
  route: string;
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
}

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export const DIST = path.resolve("dashboard/dist");
const MANIFEST = path.join(DIST, ".vite/manifest.json");

export function readManifest(): Record<string, ManifestChunk> {
  if (!fs.existsSync(MANIFEST)) throw new Error("No dashboard/dist/.vite/manifest.json: run `npm run build:dashboard` first.");
  return JSON.parse(fs.readFileSync(MANIFEST, "utf8")) as Record<string, ManifestChunk>;
}

/** A chunk and everything it imports statically: what the browser must fetch before the code can run. */
function staticClosure(manifest: Record<string, ManifestChunk>, keys: string[], into = new Set<string>()): Set<string> {
  for (const key of keys) {
    if (into.has(key)) continue;
    if (!manifest[key]) throw new Error(`${key} is not in the build manifest`);
    into.add(key);
    staticClosure(manifest, manifest[key].imports ?? [], into);
  }
  return into;
}

/**
 * The bytes a first visit to a route costs: the dashboard's entry (index.html's script) with its static imports, the
 * route's lazy chunk with its static imports, and every CSS file those chunks bring, compressed the way
 * server/app.ts's `compression()` sends them (gzip level 6, brotli quality 4 — its defaults).
 */
export function routeWeight(route: string, viewSource: string): RouteWeight {
  const manifest = readManifest();
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry && key.endsWith("index.html") && !key.includes("graphiql"));
  if (!entry) throw new Error("The dashboard entry (index.html) is not in the build manifest");
  const chunks = staticClosure(manifest, [entry, viewSource]);
  const files = new Set<string>();
  for (const key of chunks) {
    files.add(manifest[key].file);
    for (const css of manifest[key].css ?? []) files.add(css);
  }
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(DIST, file));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes, { level: 6 }).length;
    brotli += zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }).length;
  }
  return { route, files: [...files].sort(), raw, gzip, brotli };
}
