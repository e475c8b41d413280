import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const SRC = path.resolve("dashboard/src");
const VIEWS = path.join(SRC, "views");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(tsx?|css)$/.test(entry.name) ? [full] : [];
  });
}

/** Every relative import of a file (static, dynamic, CSS @import), resolved to a path under dashboard/src. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|@import\s+(?:url\()?)["']([^"']+)["']/g)].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith(".")).map((s) => path.resolve(path.dirname(file), s));
}

/** The view a path belongs to: views/board/x.tsx → "board"; views/home-view.tsx → "home-view"; elsewhere null. */
function viewOf(file: string): string | null {
  const relative = path.relative(VIEWS, file);
  if (relative.startsWith("..")) return null;
  return relative.split(path.sep)[0].replace(/\.(tsx?|css)$/, "");
}

describe("the dashboard's shape", () => {
  const files = sourceFiles(SRC).filter((file) => !file.startsWith(path.join(SRC, "gql")));

  test("no view imports another view", () => {
    const crossings = files.flatMap((file) => {
      const from = viewOf(file);
      if (!from) return [];
      return importsOf(file)
        .filter((target) => viewOf(target) && viewOf(target) !== from)
        .map((target) => `${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`);
    });
    expect(crossings).toEqual([]);
  });

  test("features and components never import a view", () => {
    const upward = files.flatMap((file) => (viewOf(file) ? [] : importsOf(file).filter((target) => viewOf(target) && !file.endsWith("app.tsx")).map((target) => `${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`)));
    expect(upward).toEqual([]);
  });

  test("the check sees imports at all (it would pass vacuously otherwise)", () => {
    const board = path.join(VIEWS, "board", "review-board.tsx");
    expect(importsOf(board).some((target) => target.includes(`${path.sep}features${path.sep}`))).toBe(true);
    expect(viewOf(board)).toBe("board");
  });
});
