import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";

/*
 * The open-data files and the benchmarks on PostgreSQL: the same aggregate SQL and settings table as on SQLite.
 * DATABASE_URL must be set before any entity module loads, hence the dynamic imports.
 */
const unreachable = await postgresUnreachable();

describe.skipIf(skipWithoutPostgres(unreachable, "the open-data PostgreSQL tests"))("open data on PostgreSQL", () => {
  let server: Awaited<ReturnType<(typeof import("./harness.js"))["startTestServer"]>>;
  let standards: typeof import("../../server/modules/opendata/standards.js");
  let database: ScratchDatabase;
  let restoreUrl: () => void;

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    database = await scratchDatabase("hub_opendata");
    restoreUrl = useDatabaseUrl(database.url);
    const harness = await import("./harness.js");
    standards = await import("../../server/modules/opendata/standards.js");
    server = await harness.startTestServer({ env: { DATABASE_URL: database.url } });
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    restoreUrl?.();
  });

  it("serves valid OCDS and 360Giving files, with accepted metrics, and the benchmarks query runs", async () => {
    const { ocdsPackage, grantPackage } = standards.validators();
    const ocds = await (await fetch(`${server.url}/open/wiltshire/ocds.json`)).json();
    expect(ocdsPackage(ocds), standards.describeErrors(ocdsPackage.errors).join("\n")).toBe(true);
    expect(ocds.releases.some((r: any) => r.contracts[0].implementation?.metrics)).toBe(true);
    const grants = await (await fetch(`${server.url}/open/dorset/360giving.json`)).json();
    expect(grantPackage(grants), standards.describeErrors(grantPackage.errors).join("\n")).toBe(true);
    const page = await fetch(`${server.url}/open/wiltshire/transparency.json`);
    expect(page.status).toBe(200);
    const bench = await server.run<any>("officer@wiltshire.demo.example", "{ benchmarks { sharing peers } openDataSettings { publish version } }");
    expect(bench.errors).toBeUndefined();
    expect(bench.data!.benchmarks.sharing).toBe(true);
    const set = await server.run<any>("commissioner@wiltshire.demo.example", "mutation($v: Int!) { setOpenDataSettings(input: { grantPrefix: \"wiltshirepcc\" }, version: $v) { version } }", { v: bench.data!.openDataSettings.version });
    expect(set.errors).toBeUndefined();
    const renamed = await (await fetch(`${server.url}/open/wiltshire/360giving.json`)).json();
    expect(renamed.grants[0].id).toMatch(/^360G-wiltshirepcc-/);

    // Release history is stored on PostgreSQL too: a changed contract adds a release, the old one stays.
    const first = ocds.releases[0];
    const contract = (await server.run<any>("officer@wiltshire.demo.example", "{ contracts(first: 100) { items { id reference version } } }")).data!.contracts.items.find((c: any) => c.reference === first.contracts[0].id);
    const updated = await server.run("officer@wiltshire.demo.example", "mutation($id: Int!, $v: Int!) { updateContract(id: $id, version: $v, input: { title: \"Renamed on PostgreSQL\" }) { version } }", { id: contract.id, v: contract.version });
    expect(updated.errors).toBeUndefined();
    const again = await (await fetch(`${server.url}/open/wiltshire/ocds.json`)).json();
    const releases = again.releases.filter((r: any) => r.ocid === first.ocid);
    expect(releases.map((r: any) => r.id)[0]).toBe(first.id);
    expect(releases).toHaveLength(2);
    expect(releases[1].contracts[0].title).toBe("Renamed on PostgreSQL");
    expect(ocdsPackage(again), standards.describeErrors(ocdsPackage.errors).join("\n")).toBe(true);
  });
});
