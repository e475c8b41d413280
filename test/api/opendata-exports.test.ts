import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract } from "../../server/modules/contracts/contract.entities.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PerformanceReturn, ReturnState } from "../../server/modules/returns/return.entities.js";
import { ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { FLAT_COLUMNS } from "../../server/modules/opendata/threesixty.js";
import { describeErrors, standardsDir, validators } from "../../server/modules/opendata/standards.js";
import { startTestServer, type TestServer } from "./harness.js";

const OFFICER = "officer@wiltshire.demo.example";
type Json = Record<string, any>;

let server: TestServer;
let offices: Office[];

beforeAll(async () => {
  server = await startTestServer();
  offices = await server.services.db.manager.find(Office, { order: { id: "ASC" } });
});
afterAll(async () => server?.close());

async function get(route: string): Promise<Response> {
  return fetch(`${server.url}${route}`);
}
async function json(route: string): Promise<Json> {
  const response = await get(route);
  expect(response.status, route).toBe(200);
  return (await response.json()) as Json;
}
/** A contract's releases in the package, oldest first. */
async function history(code: string, reference: string): Promise<Json[]> {
  const pkg = await json(`/open/${code}/ocds.json`);
  return pkg.releases.filter((r: Json) => r.contracts[0].id === reference);
}
/** A contract's current release: the last of its history. */
async function release(code: string, reference: string): Promise<Json> {
  return (await history(code, reference)).at(-1)!;
}

/** "Recipient Org:Charity Number" for "recipientOrganization/0/charityNumber", from the 360Giving schema's own titles. */
function schemaTitle(schema: Json, columnPath: string): string {
  const parts = columnPath.split("/").filter((p) => !/^\d+$/.test(p));
  const titles: string[] = [];
  let node: Json = schema;
  for (const part of parts) {
    const property = node.properties[part];
    const ref: string | undefined = property.items?.$ref ?? property.$ref;
    const target = ref ? schema.$defs[ref.split("/").pop()!] : property;
    titles.push(property.title ?? target.title);
    node = target;
  }
  return titles.join(":");
}

/** Turns a flat row back into a grant, the way flatten-tool unflattens a 360Giving spreadsheet. */
function unflatten(row: Record<string, string | number>): Json {
  const grant: Json = {};
  for (const { title, path: columnPath } of FLAT_COLUMNS) {
    const raw = row[title];
    if (raw === "" || raw == null) continue;
    const numeric = ["amountAwarded", "duration"].includes(columnPath.split("/").pop()!);
    const value = numeric ? Number(raw) : String(raw);
    const parts = columnPath.split("/");
    let node: any = grant;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]);
      if (last) node[part] = value;
      else node = node[part] ??= nextIsIndex ? [] : {};
    });
  }
  return grant;
}

describe("every export of every demo office is valid against the published schemas", () => {
  it("validates each office's OCDS release package (1.1.5 + metrics extension) and 360Giving package with 0 errors", async () => {
    const { ocdsPackage, grantPackage } = validators();
    let validated = 0;
    for (const office of offices) {
      const contracts = await server.services.db.manager.countBy(Contract, { officeId: office.id });
      const ocds = await get(`/open/${office.code}/ocds.json`);
      if (contracts === 0) {
        // The standard needs at least one release: an office without contracts serves no file rather than an invalid one.
        expect(ocds.status).toBe(404);
      } else {
        expect(ocds.status).toBe(200);
        const body = await ocds.json();
        expect(ocdsPackage(body), `${office.code} OCDS:\n${describeErrors(ocdsPackage.errors).join("\n")}`).toBe(true);
        expect(body.releases).toHaveLength(contracts);
        validated++;
      }
      const grants = await get(`/open/${office.code}/360giving.json`);
      if (grants.status === 404) continue;
      expect(grants.status).toBe(200);
      const body = await grants.json();
      expect(grantPackage(body), `${office.code} 360Giving:\n${describeErrors(grantPackage.errors).join("\n")}`).toBe(true);
      validated++;
    }
    // Wiltshire and Dorset have contracts and grants in the demo: at least four files were checked.
    expect(validated).toBeGreaterThanOrEqual(4);
  });

  it("the validators do fail on broken files (so a pass means something)", async () => {
    const { ocdsPackage, grantPackage } = validators();
    const ocds = await json("/open/wiltshire/ocds.json");
    const broken = structuredClone(ocds);
    delete broken.releases[0].ocid;
    broken.releases[1].contracts[0].agreedMetrics = [{ title: "no id" }];
    expect(ocdsPackage(broken)).toBe(false);
    const paths = describeErrors(ocdsPackage.errors).join("\n");
    expect(paths).toContain("/releases/0");
    expect(paths).toContain("/releases/1/contracts/0/agreedMetrics/0");

    const grants = await json("/open/wiltshire/360giving.json");
    const badGrant = structuredClone(grants);
    badGrant.grants[0].currency = "POUNDS";
    badGrant.grants[0].awardDate = "31/03/2024";
    expect(grantPackage(badGrant)).toBe(false);
  });

  it("serves the flat CSV and XLSX with the 360Giving column titles, and they turn back into the same valid grants", async () => {
    const grantSchema = JSON.parse(fs.readFileSync(path.join(standardsDir(), "360giving/360-giving-schema.json"), "utf8"));
    for (const column of FLAT_COLUMNS) expect(schemaTitle(grantSchema, column.path)).toBe(column.title);

    const { grantPackage } = validators();
    for (const code of ["wiltshire", "dorset"]) {
      const pkg = await json(`/open/${code}/360giving.json`);
      const csvResponse = await get(`/open/${code}/360giving.csv`);
      expect(csvResponse.headers.get("content-type")).toContain("text/csv");
      const rows: Record<string, string>[] = parse(await csvResponse.text(), { columns: true });
      expect(Object.keys(rows[0])).toEqual(FLAT_COLUMNS.map((c) => c.title));
      const fromCsv = rows.map(unflatten);
      expect(grantPackage({ grants: fromCsv }), describeErrors(grantPackage.errors).join("\n")).toBe(true);
      // The flat layout holds the first grant programme only; everything else round-trips exactly.
      expect(fromCsv).toEqual(pkg.grants.map((g: Json) => ({ ...g, ...(g.grantProgramme ? { grantProgramme: [g.grantProgramme[0]] } : {}) })));

      const xlsx = await get(`/open/${code}/360giving.xlsx`);
      expect(xlsx.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
      const sheet = workbook.getWorksheet("grants")!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header).toEqual(FLAT_COLUMNS.map((c) => c.title));
      const xlsxRows: Record<string, string | number>[] = [];
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        const values = row.values as unknown[];
        xlsxRows.push(Object.fromEntries(FLAT_COLUMNS.map((c, i) => [c.title, (values[i + 1] ?? "") as string | number])));
      });
      expect(xlsxRows.map(unflatten)).toEqual(fromCsv);
    }
  });
});

describe("what the exports say", () => {
  it("maps a grant: 360G id, the office as funder, org-id recipient, pounds from pence, the funding stream and the police force area", async () => {
    const pkg = await json("/open/dorset/360giving.json");
    for (const grant of pkg.grants) {
      expect(grant.id).toMatch(/^360G-opcc-dorset-DOR-/);
      expect(grant.fundingOrganization[0].name).toBe("Police and Crime Commissioner for Dorset");
      expect(grant.beneficiaryLocation).toEqual([{ name: "Dorset", countryCode: "GB", geoCode: "E23000039", geoCodeType: "PFA" }]);
      expect(grant.grantProgramme.length).toBeGreaterThan(0);
      expect(grant.currency).toBe("GBP");
    }
    const wiltshire = await json("/open/wiltshire/360giving.json");
    expect(new Set(wiltshire.grants.map((g: Json) => g.beneficiaryLocation[0].geoCode))).toEqual(new Set(["E23000038"]));
    const withCharity = [...pkg.grants, ...wiltshire.grants].filter((g: Json) => g.recipientOrganization[0].charityNumber);
    for (const g of withCharity) expect(g.recipientOrganization[0].id).toBe(`GB-CHC-${g.recipientOrganization[0].charityNumber}`);

    // Amounts: the committed funding lines, in pounds.
    const m = server.services.db.manager;
    const dorset = offices.find((o) => o.code === "dorset")!;
    const contract = await m.findOneByOrFail(Contract, { officeId: dorset.id, reference: "DOR-CSF-01" });
    const pence: { total: number }[] = await m.query("SELECT SUM(amountPence) AS total FROM funding_line WHERE contractId = ? AND status = 'COMMITTED'", [contract.id]);
    expect(pkg.grants.find((g: Json) => g.id === "360G-opcc-dorset-DOR-CSF-01").amountAwarded).toBe(Number(pence[0].total) / 100);
  });

  it("maps a contract: buyer, supplier, co-commissioners as funders, values in GBP, agreed metrics from targets, spend as transactions", async () => {
    const pkg = await json("/open/wiltshire/ocds.json");
    expect(pkg.extensions[0]).toContain("ocds_metrics_extension");
    const withFunders = pkg.releases.find((r: Json) => r.parties.some((p: Json) => p.roles.includes("funder")));
    expect(withFunders).toBeTruthy();
    for (const r of pkg.releases) {
      expect(r.ocid.startsWith("ocds-xxxxxx-wiltshire-")).toBe(true);
      expect(r.buyer.id).toBe(r.parties.find((p: Json) => p.roles.includes("buyer")).id);
      expect(r.awards[0].suppliers[0].id).toBe(r.parties.find((p: Json) => p.roles.includes("supplier")).id);
      if (r.contracts[0].value) expect(r.contracts[0].value.currency).toBe("GBP");
    }
    const withMetrics = pkg.releases.filter((r: Json) => r.contracts[0].agreedMetrics);
    expect(withMetrics.length).toBeGreaterThan(0);
    const withSpend = pkg.releases.filter((r: Json) => r.contracts[0].implementation?.transactions);
    expect(withSpend.length).toBeGreaterThan(0);
    for (const t of withSpend[0].contracts[0].implementation.transactions) {
      expect(t.value.currency).toBe("GBP");
      expect(t.payer.id).toBe(withSpend[0].buyer.id);
    }
  });

  it("observes only accepted returns, and accepting one publishes a new release with a new id", async () => {
    const m = server.services.db.manager;
    const wiltshire = offices.find((o) => o.code === "wiltshire")!;
    const submitted = await m
      .createQueryBuilder(PerformanceReturn, "r")
      .innerJoin(Contract, "c", "c.id = r.contractId")
      .where("c.officeId = :o AND r.state = :s", { o: wiltshire.id, s: ReturnState.SUBMITTED })
      .getOne();
    expect(submitted, "the demo has a submitted, not yet accepted, return").toBeTruthy();
    const contract = await m.findOneByOrFail(Contract, { id: submitted!.contractId });
    const period = await m.findOneByOrFail(ReportingPeriod, { id: submitted!.periodId });
    const observationSuffix = `-${period.year}-Q${period.quarter}`;
    const observed = (r: Json) => (r.contracts[0].implementation?.metrics ?? []).flatMap((mt: Json) => mt.observations.map((o: Json) => o.id as string)).filter((id: string) => id.endsWith(observationSuffix));

    const before = await release("wiltshire", contract.reference);
    expect(observed(before)).toEqual([]);
    const again = await release("wiltshire", contract.reference);
    expect(again.id, "an unchanged contract keeps its release id").toBe(before.id);

    const accepted = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { state } }", { id: submitted!.id, v: submitted!.version });
    expect(accepted.errors).toBeUndefined();
    const after = await release("wiltshire", contract.reference);
    expect(observed(after).length).toBeGreaterThan(0);
    expect(after.id).not.toBe(before.id);
    expect(after.ocid).toBe(before.ocid);
    expect(Date.parse(after.date)).toBeGreaterThanOrEqual(Date.parse(before.date));
    // The earlier release is still published, unchanged: the package carries the contract's history.
    expect(await history("wiltshire", contract.reference)).toEqual([before, after]);
  });

  it("a change to the contract makes a new release with a new id and a later date", async () => {
    const m = server.services.db.manager;
    const wiltshire = offices.find((o) => o.code === "wiltshire")!;
    const contract = await m.findOneOrFail(Contract, { where: { officeId: wiltshire.id }, order: { id: "ASC" } });
    const before = await release("wiltshire", contract.reference);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // time stamps are stored to the second on SQLite
    const updated = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { updateContract(id: $id, version: $v, input: { title: \"Renamed for the open-data test\" }) { version } }", { id: contract.id, v: contract.version });
    expect(updated.errors).toBeUndefined();
    const after = await release("wiltshire", contract.reference);
    expect(after.contracts[0].title).toBe("Renamed for the open-data test");
    expect(after.id).not.toBe(before.id);
    expect(Date.parse(after.date)).toBeGreaterThan(Date.parse(before.date));
    const releases = await history("wiltshire", contract.reference);
    expect(releases.map((r) => r.id)).toEqual([before.id, after.id]);
    expect(releases[0].contracts[0].title).not.toBe("Renamed for the open-data test");
    // Still valid with the history in it.
    const { ocdsPackage } = validators();
    expect(ocdsPackage(await json("/open/wiltshire/ocds.json")), describeErrors(ocdsPackage.errors).join("\n")).toBe(true);
  });
});

describe("targets date the release too", () => {
  it("a changed target makes a new release with a new id, a later date and the new agreed metric", async () => {
    const m = server.services.db.manager;
    const wiltshire = offices.find((o) => o.code === "wiltshire")!;
    const pkg = await json("/open/wiltshire/ocds.json");
    const withTargets = pkg.releases.find((r: Json) => r.contracts[0].agreedMetrics?.some((mt: Json) => mt.observations?.length));
    const contract = await m.findOneByOrFail(Contract, { officeId: wiltshire.id, reference: withTargets.contracts[0].id });
    const metric = withTargets.contracts[0].agreedMetrics.find((mt: Json) => mt.observations?.length);
    const indicator: { id: number }[] = await m.query("SELECT id FROM indicator WHERE officeId = ? AND code = ?", [wiltshire.id, metric.id]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const set = await server.run(OFFICER, "mutation($input: SetTargetInput!) { setTarget(input: $input) { id value } }", { input: { indicatorId: indicator[0].id, contractId: contract.id, year: "2025-26", quarter: 1, value: 4321 } });
    expect(set.errors).toBeUndefined();
    const after = await release("wiltshire", contract.reference);
    expect(after.id).not.toBe(withTargets.id);
    expect(Date.parse(after.date)).toBeGreaterThan(Date.parse(withTargets.date));
    const observation = after.contracts[0].agreedMetrics.find((mt: Json) => mt.id === metric.id).observations.find((o: Json) => o.id === `${metric.id}-target-2025-26-Q1`);
    expect(observation.measure).toBe(4321);
  });
});
