import "reflect-metadata";
import path from "node:path";
import fs from "node:fs";
import { loadConfig } from "/work/wt-opendata/server/config.js";
import { createServices } from "/work/wt-opendata/server/services.js";
import { seedDemoData } from "/work/wt-opendata/server/db/seed/demo-seed.js";
import { Office } from "/work/wt-opendata/server/modules/offices/office.entity.js";
import { loadOfficeRecords } from "/work/wt-opendata/server/modules/opendata/open-data.records.js";
import { ocdsReleasePackage } from "/work/wt-opendata/server/modules/opendata/ocds.js";
import { grantPackage } from "/work/wt-opendata/server/modules/opendata/threesixty.js";
import { validators, describeErrors } from "/work/wt-opendata/server/modules/opendata/standards.js";
const dir = fs.mkdtempSync("/tmp/od-smoke/db-");
const services = await createServices(loadConfig({ DATABASE_PATH: path.join(dir, "t.sqlite"), NODE_ENV: "test" }));
await seedDemoData(services.writer.dataSource);
const v = validators();
for (const office of await services.db.manager.find(Office)) {
  const t = Date.now();
  const records = await loadOfficeRecords(services.db.manager, office.id);
  const ocds = ocdsReleasePackage(records, `http://localhost/open/${office.code}/ocds.json`);
  const grants = grantPackage(records);
  const ok1 = v.ocdsPackage(ocds); const e1 = describeErrors(v.ocdsPackage.errors);
  const ok2 = v.grantPackage(grants); const e2 = describeErrors(v.grantPackage.errors);
  console.log(office.code, Date.now() - t, "ms releases", (ocds.releases as any[]).length, "grants", (grants.grants as any[]).length, ok1, e1.slice(0, 8), ok2, e2.slice(0, 8));
  fs.writeFileSync(`/tmp/od-smoke/${office.code}-ocds.json`, JSON.stringify(ocds, null, 1));
  fs.writeFileSync(`/tmp/od-smoke/${office.code}-360.json`, JSON.stringify(grants, null, 1));
}
await services.close();
