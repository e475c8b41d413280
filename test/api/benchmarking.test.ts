import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { median } from "../../server/modules/benchmarking/benchmark.rules.js";
import { seedBenchmarkOffices } from "./benchmark-fixture.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

// Its own offices in an empty temporary database (see benchmark-fixture.ts for the figures).
const QUERY = "query($o: Int) { benchmarks(officeId: $o) { officeId sharing peers indicators { code unit quarters { label own median offices others { officeName value } } } } }";

let server: TestServer;
let officeIds: Map<string, number>;

beforeAll(async () => {
  server = await startTestServer({ seed: false });
  officeIds = await seedBenchmarkOffices(server.services.writer.dataSource);
});
afterAll(async () => server?.close());

describe("benchmarking across offices", () => {
  it("the median is the middle value, or the mean of the middle two", () => {
    expect(median([])).toBeNull();
    expect(median([30, 10, 50])).toBe(30);
    expect(median([10, 30])).toBe(20);
  });

  it("shows an officer their office's figure beside each sharing office's and the median, by quarter, for indicators in common", async () => {
    const result = await server.http<any>("officer@alpha.test", QUERY);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const b = result.data!.benchmarks;
    expect(b.sharing).toBe(true);
    expect(b.peers).toEqual(["Office bravo", "Office delta", "Office echo"]);
    // ALPHA_ONLY has no peer; Delta's CLIENTS is a percentage, so it is not compared.
    expect(b.indicators.map((i: any) => i.code)).toEqual(["CLIENTS", "RATE"]);
    const clients = b.indicators[0];
    expect(clients.quarters).toEqual([
      { label: "2024-25 Q1", own: 10, median: 30, offices: 3, others: [{ officeName: "Office bravo", value: 30 }, { officeName: "Office echo", value: 50 }] },
      // Bravo's Q2 return is submitted, not accepted: no figure, and not in the median.
      { label: "2024-25 Q2", own: 20, median: 40, offices: 2, others: [{ officeName: "Office bravo", value: null }, { officeName: "Office echo", value: 60 }] },
    ]);
    const rate = b.indicators[1];
    expect(rate.quarters).toEqual([{ label: "2024-25 Q1", own: 50, median: 70, offices: 2, others: [{ officeName: "Office bravo", value: 90 }] }]);
    // Charlie does not share: its 1000 is nowhere.
    expect(JSON.stringify(b)).not.toContain("charlie");
    expect(JSON.stringify(b)).not.toContain("1000");
  });

  it("shows the same to the Commissioner and the Panel analyst", async () => {
    const officer = await server.run<any>("officer@alpha.test", QUERY);
    for (const who of ["commissioner@alpha.test", "analyst@alpha.test"]) {
      const seen = await server.run<any>(who, QUERY);
      expect(seen.errors).toBeUndefined();
      expect(seen.data).toEqual(officer.data);
    }
  });

  it("never shows providers anything, over HTTP or in-process", async () => {
    expect(codes(await server.run("provider@shared.test", QUERY))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run("provider@shared.test", QUERY, { o: officeIds.get("alpha") }))).toEqual(["FORBIDDEN"]);
    const overHttp = await server.http("provider@shared.test", QUERY);
    expect(codes(overHttp)).toEqual(["FORBIDDEN"]);
    expect(overHttp.data?.benchmarks ?? null).toBeNull();
    expect(codes(await server.run(null, QUERY))).toEqual(["UNAUTHENTICATED"]);
  });

  it("shows an office that does not share nobody else's figures, and never lets one office ask as another", async () => {
    const charlie = await server.run<any>("officer@charlie.test", QUERY);
    expect(charlie.data!.benchmarks).toEqual({ officeId: officeIds.get("charlie"), sharing: false, peers: [], indicators: [] });
    expect(codes(await server.run("officer@charlie.test", QUERY, { o: officeIds.get("alpha") }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run("officer@alpha.test", QUERY, { o: officeIds.get("bravo") }))).toEqual(["FORBIDDEN"]);
  });

  it("drops an office from everyone's comparison as soon as it stops sharing", async () => {
    const bravo = officeIds.get("bravo")!;
    const admin = await server.run<any>("admin@hub.test", "query($o: Int) { openDataSettings(officeId: $o) { version } }", { o: bravo });
    const stopped = await server.run("admin@hub.test", "mutation($o: Int, $v: Int!) { setOpenDataSettings(input: { officeId: $o, shareBenchmarks: false }, version: $v) { shareBenchmarks } }", { o: bravo, v: admin.data!.openDataSettings.version });
    expect(stopped.errors).toBeUndefined();
    const after = (await server.run<any>("officer@alpha.test", QUERY)).data!.benchmarks;
    expect(after.peers).toEqual(["Office delta", "Office echo"]);
    expect(after.indicators.map((i: any) => i.code)).toEqual(["CLIENTS"]);
    expect(after.indicators[0].quarters[0]).toEqual({ label: "2024-25 Q1", own: 10, median: 30, offices: 2, others: [{ officeName: "Office echo", value: 50 }] });
  });
});
