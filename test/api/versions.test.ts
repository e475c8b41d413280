import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, startTestServer, type TestServer } from "./harness.js";

/*
 * Upserts of shared records carry the version they were based on (issue 15): none to create, the record's to change
 * it. Concurrent edits from one version: one wins, the rest CONFLICT, nothing silently overwritten.
 */
const OFFICER = "officer@wiltshire.demo.example";
const SET_YEAR = "mutation($input: FundingStreamYearInput!) { setFundingStreamYear(input: $input) { id version amountPence } }";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("setFundingStreamYear carries the version of the stream's year", () => {
  it("creates without a version; changes only with the current one; concurrent changes from one version: one wins", async () => {
    const streams = (await server.run<any>(OFFICER, "{ fundingStreams { id } }")).data!.fundingStreams;
    const input = { streamId: streams[0].id, year: "2033-34", amountPence: 100_000 };
    const created = await server.run<any>(OFFICER, SET_YEAR, { input });
    expect(codes(created)).toEqual([]);
    const row = created.data!.setFundingStreamYear;
    expect(codes(await server.run(OFFICER, SET_YEAR, { input: { ...input, amountPence: 1 } }))).toEqual(["CONFLICT"]);
    expect(codes(await server.run(OFFICER, SET_YEAR, { input: { ...input, amountPence: 1, version: row.version + 5 } }))).toEqual(["CONFLICT"]);
    const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => server.http<any>(OFFICER, SET_YEAR, { input: { ...input, amountPence: 200_000 + i, version: row.version } })));
    const winners = racers.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(racers.filter((r) => r.errors).map((r) => codes(r))).toEqual(Array(7).fill(["CONFLICT"]));
    const [stored] = await server.services.db.query("SELECT amountPence, version FROM funding_stream_year WHERE id = ?", [row.id]);
    expect(stored).toEqual({ amountPence: winners[0].data.setFundingStreamYear.amountPence, version: row.version + 1 });
  });
});

describe("offices and users carry their version too", () => {
  it("updateOffice and updateUser: a stale version is CONFLICT and changes nothing; the current one moves it on", async () => {
    const ADMIN = "admin@demo.example";
    const office = (await server.run<any>(ADMIN, "{ offices { id name version } }")).data!.offices.find((o: { name: string }) => o.name === "Durham") ?? (await server.run<any>(ADMIN, "{ offices { id name version } }")).data!.offices[0];
    const RENAME = "mutation($id: Int!, $v: Int!, $t: String!) { updateOffice(id: $id, version: $v, input: { commissionerTitle: $t }) { version commissionerTitle } }";
    const renamed = await server.run<any>(ADMIN, RENAME, { id: office.id, v: office.version, t: "First title" });
    expect(renamed.data!.updateOffice).toEqual({ version: office.version + 1, commissionerTitle: "First title" });
    expect(codes(await server.run(ADMIN, RENAME, { id: office.id, v: office.version, t: "Stale title" }))).toEqual(["CONFLICT"]);
    const [stored] = await server.services.db.query("SELECT commissionerTitle FROM office WHERE id = ?", [office.id]);
    expect(stored.commissionerTitle).toBe("First title");

    const users = (await server.run<any>(ADMIN, "query($o: Int) { users(officeId: $o) { id version name } }", { o: office.id })).data!.users;
    const user = users[0];
    const RENAME_USER = "mutation($id: Int!, $v: Int!, $n: String!) { updateUser(id: $id, version: $v, input: { name: $n }) { version name } }";
    const racers = await Promise.all(Array.from({ length: 6 }, (_, i) => server.http<any>(ADMIN, RENAME_USER, { id: user.id, v: user.version, n: `Name ${i}` })));
    expect(racers.filter((r) => !r.errors)).toHaveLength(1);
    expect(racers.filter((r) => r.errors).map((r) => codes(r))).toEqual(Array(5).fill(["CONFLICT"]));
  });
});
