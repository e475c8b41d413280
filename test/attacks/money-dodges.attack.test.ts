/* Guarantee 3 dodges: shrink the budget instead of growing the spend; move a fund under another parent. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DORSET, gql, start, type Server } from "./audit-support.js";

let t: Server;
beforeAll(async () => {
  t = await start();
}, 60_000);
afterAll(async () => t?.close());

const STREAMS = `{ fundingStreams{ id name version parent{ id } year(year:"2019-20"){ id amountPence version } } }`;
const SUMMARY = `{ moneySummary(year:"2019-20"){ totalPence allocatedPence streams{ streamId name amountPence allocatedPence committedPence plannedPence overCommittedPence warnings } } }`;

describe("allocations never exceed a stream's amount", () => {
  it("lowering the Community Grant Scheme's 2019-20 amount below what is allocated from it is refused (or the allocation is flagged)", async () => {
    const s = (await gql(t, DORSET, STREAMS)).data.fundingStreams.find((x: any) => x.name === "Community Grant Scheme");
    const m0 = (await gql(t, DORSET, SUMMARY)).data.moneySummary.streams.find((x: any) => x.streamId === s.id);
    expect(m0.allocatedPence).toBeGreaterThan(0);
    const r = await gql(t, DORSET, `mutation($i:FundingStreamYearInput!){ setFundingStreamYear(input:$i){ amountPence version } }`, { i: { streamId: s.id, year: "2019-20", amountPence: 1_000_000, version: s.year.version } });
    const m = (await gql(t, DORSET, SUMMARY)).data.moneySummary.streams.find((x: any) => x.streamId === s.id);
    const refused = Boolean(r.errors);
    const flagged = m.warnings.length > 0;
    expect({ refused, flagged, allocated: m.allocatedPence, amount: m.amountPence }, "an over-allocated stream that nobody is told about").not.toMatchObject({ refused: false, flagged: false });
  });

  it("Safer Dorset Fund stays £2.45m and office totals count each pound once after a fund is moved out from under it", async () => {
    const streams = (await gql(t, DORSET, STREAMS)).data.fundingStreams;
    const cgs = streams.find((x: any) => x.name === "Community Grant Scheme");
    const m0 = (await gql(t, DORSET, SUMMARY)).data.moneySummary;
    const r = await gql(t, DORSET, `mutation($id:Int!,$v:Int!,$i:FundingStreamInput!){ updateFundingStream(id:$id, version:$v, input:$i){ id parent{ id } } }`, { id: cgs.id, v: cgs.version, i: { parentId: null } });
    const m1 = (await gql(t, DORSET, SUMMARY)).data.moneySummary;
    // Whatever the answer, the office total counts each pound once.
    expect(m1.totalPence).toBe(m0.totalPence);
    const sdf = m1.streams.find((x: any) => x.name === "Safer Dorset Fund");
    if (!r.errors) {
      const cgsNow = m1.streams.find((x: any) => x.streamId === cgs.id);
      expect(sdf.amountPence + cgsNow.amountPence).toBe(245_000_000);
    } else expect(sdf.amountPence).toBe(245_000_000);
  });
});
