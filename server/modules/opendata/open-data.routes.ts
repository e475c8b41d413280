import fs from "node:fs";
import path from "node:path";
import { Router, type NextFunction, type Request, type Response } from "express";
import { publishedOffice } from "../../auth/public-access.js";
import { perAddressBudget } from "../../security/address-budget.js";
import type { Services } from "../../services.js";
import { grantsCsv, grantsXlsx } from "./grant-files.js";
import { ocdsPackageWithHistory } from "./ocds-history.js";
import { loadOfficeRecords, type OfficeRecords } from "./open-data.records.js";
import { grantPackage } from "./threesixty.js";
import { transparencyPage } from "./transparency.js";

/**
 * Public, sign-in-free routes under /open/<office code>/ for offices that publish. Anything else, including an
 * office that exists but does not publish, is the same 404: we do not confirm which offices exist.
 * The standards need at least one release or grant in a file, so an office with none answers 404 for that file.
 */
const DASHBOARD_INDEX = path.resolve("dashboard/dist/index.html");

export function openDataRouter(services: Services): Router {
  const router = Router();
  // Public and unauthenticated, and each file is built from the database: a per-address budget like /graphql's.
  router.use(perAddressBudget(services));
  const notFound = (res: Response, message = "Nothing is published here.") => res.status(404).json({ error: { code: "NOT_FOUND", message } });

  async function withRecords(req: Request, res: Response, send: (records: OfficeRecords) => Promise<void> | void) {
    const code = String(req.params.office);
    const manager = services.db.manager;
    const office = await publishedOffice(manager, code);
    if (!office) return notFound(res);
    res.set("Cache-Control", "public, max-age=60");
    await send(await loadOfficeRecords(manager, office.id));
  }
  const handle = (fn: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response) => {
    fn(req, res).catch((error) => {
      console.error("open data:", error);
      if (!res.headersSent) res.status(500).json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Could not build the file." } });
    });
  };
  const selfUrl = (req: Request) => `${req.protocol}://${req.get("host")}${req.originalUrl.split("?")[0]}`;

  // The page itself is the dashboard's; an office that does not publish gets it with 404 (the page then says so),
  // the same answer as for an office that does not exist.
  router.get("/:office", (req: Request, res: Response, next: NextFunction) => {
    publishedOffice(services.db.manager, String(req.params.office)).then((office) => {
      if (office) return next();
      res.status(404);
      if (fs.existsSync(DASHBOARD_INDEX)) res.sendFile(DASHBOARD_INDEX);
      else notFound(res);
    }, next);
  });

  router.get("/:office/transparency.json", handle((req, res) => withRecords(req, res, async (records) => void res.json(await transparencyPage(services.db.manager, records)))));

  router.get("/:office/ocds.json", handle((req, res) => withRecords(req, res, async (records) => {
    if (!records.contracts.length) return void notFound(res, "This office has no contracts to publish yet.");
    res.type("application/json").send(JSON.stringify(await ocdsPackageWithHistory(services, records, selfUrl(req))));
  })));

  router.get("/:office/360giving.json", handle((req, res) => withRecords(req, res, (records) => {
    const pkg = grantPackage(records);
    if (!(pkg.grants as unknown[]).length) return void notFound(res, "This office has no grants to publish yet.");
    res.type("application/json").send(JSON.stringify(pkg));
  })));

  router.get("/:office/360giving.csv", handle((req, res) => withRecords(req, res, (records) => {
    const grants = grantPackage(records).grants as Record<string, unknown>[];
    if (!grants.length) return void notFound(res, "This office has no grants to publish yet.");
    res.type("text/csv; charset=utf-8").attachment(`${records.office.code}-360giving.csv`).send(grantsCsv(grants));
  })));

  router.get("/:office/360giving.xlsx", handle((req, res) => withRecords(req, res, async (records) => {
    const grants = grantPackage(records).grants as Record<string, unknown>[];
    if (!grants.length) return void notFound(res, "This office has no grants to publish yet.");
    res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").attachment(`${records.office.code}-360giving.xlsx`).send(await grantsXlsx(grants));
  })));

  return router;
}
