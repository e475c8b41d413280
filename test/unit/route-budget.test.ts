import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { DIST, routeWeight } from "../support/dashboard-build.js";

/** kB of JavaScript and CSS, compressed as served, that a route may cost on a first visit. */
const BUDGET_KB = 350;

const ROUTES = [
  { route: "/returns", who: "officers", view: "src/views/returns/returns-review.tsx" },
  { route: "/explorer", who: "analysts", view: "src/views/explorer/explorer.tsx" },
];

describe.skipIf(!fs.existsSync(path.join(DIST, ".vite/manifest.json")) && !process.env.CI)("route size budget", () => {
  for (const { route, who, view } of ROUTES) {
    test(`${who}' ${route} costs at most ${BUDGET_KB} kB of JavaScript and CSS as served`, () => {
      const weight = routeWeight(route, view);
      const kb = (n: number) => Math.round(n / 100) / 10;
      console.log(`${route}: ${kb(weight.raw)} kB raw, ${kb(weight.gzip)} kB gzip, ${kb(weight.brotli)} kB brotli in ${weight.files.length} files`);
      // The server sends brotli where the browser accepts it, else gzip: the larger of the two must fit.
      expect(Math.max(weight.gzip, weight.brotli) / 1000, weight.files.join("\n")).toBeLessThanOrEqual(BUDGET_KB);
      // exceljs loads on the Excel click only; the board's charts never come with these routes.
      expect(weight.files.some((file) => /exceljs/.test(file))).toBe(false);
      expect(weight.files.some((file) => /money-panel|review-board|recharts/.test(file))).toBe(false);
    });
  }
});
