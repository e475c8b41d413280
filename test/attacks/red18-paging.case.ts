// red18: page sizes and offsets of every paged or limited query, and of the nested trend(last:).
import { expect, it } from "vitest";
import { ADMIN, ANALYST, codesOf, OFFICER, PA, PB, post, verdict, type TestServer } from "./red18-kit.js";

const PAGES: { field: string; sel: string; role: string; extra?: string }[] = [
  { field: "contracts", sel: "id reference", role: OFFICER },
  { field: "contracts", sel: "id reference", role: PA },
  { field: "returns", sel: "id state", role: OFFICER },
  { field: "returns", sel: "id state", role: ANALYST },
  { field: "returns", sel: "id state", role: PB },
  { field: "providers", sel: "id name", role: OFFICER },
  { field: "auditEvents", sel: "id", role: OFFICER },
];

async function page(s: TestServer, role: string, field: string, sel: string, first: unknown, offset: unknown) {
  return post(s, role, `query R18($first: Int!, $offset: Int!) { ${field}(first: $first, offset: $offset) { totalCount hasMore items { ${sel} } } }`, { first, offset });
}

/** Makes the demo's submitted returns accepted, so that their providers have notifications and the outbox has mail. */
export async function makeMail(s: TestServer) {
  // Provider B's submitted return 30: sent back (a mail), resubmitted, then accepted below (another mail).
  const sent = await post(s, OFFICER, `mutation { sendBackReturn(id: 30, version: 1, reason: "red18: please check") { id version state } }`);
  expect(sent.errors, sent.text).toBeUndefined();
  const again = await post(s, PB, `mutation($v: Int!) { submitReturn(input: { returnId: 30, version: $v, idempotencyKey: "red18-resubmit" }) { id version state } }`, { v: sent.data.sendBackReturn.version });
  expect(again.errors, again.text).toBeUndefined();
  const r = await post(s, OFFICER, `{ returns(first: 100, state: SUBMITTED) { items { id version } } }`);
  for (const x of r.data.returns.items) {
    const a = await post(s, OFFICER, `mutation($id: Int!, $v: Int!) { acceptReturn(id: $id, version: $v) { id state } }`, { id: x.id, v: x.version });
    expect(a.errors, a.text).toBeUndefined();
  }
}

export function pagingSuite(get: () => TestServer) {
  it("setup: a few real writes, so that the audit trail, notifications and outbox have rows to page", async () => {
    await makeMail(get());
  });
  for (const p of PAGES) {
    it(`${p.field} as ${p.role}: walking the pages with any size gives every row once, in the order of one big page`, async () => {
      const s = get();
      const whole = await page(s, p.role, p.field, p.sel, 100, 0);
      expect(whole.errors, whole.text).toBeUndefined();
      const all = whole.data[p.field];
      expect(all.items.length).toBe(Math.min(100, all.totalCount));
      for (const size of [1, 3, 7]) {
        const seen: unknown[] = [];
        for (let offset = 0; offset < all.totalCount + size; offset += size) {
          const r = await page(s, p.role, p.field, p.sel, size, offset);
          expect(r.errors, r.text).toBeUndefined();
          const d = r.data[p.field];
          expect(d.totalCount).toBe(all.totalCount);
          expect(d.items.length).toBe(Math.max(0, Math.min(size, all.totalCount - offset)));
          expect(d.hasMore, `${p.field} first ${size} offset ${offset}`).toBe(offset + d.items.length < all.totalCount);
          seen.push(...d.items);
        }
        expect(seen.slice(0, 100)).toEqual(all.items);
      }
    });
    it(`${p.field} as ${p.role}: sizes and offsets out of range are coded refusals; huge offsets are empty pages`, async () => {
      const s = get();
      const bad: string[] = [];
      for (const first of [0, -1, 101, 1000, 2147483647, -2147483648]) {
        const r = await page(s, p.role, p.field, p.sel, first, 0);
        if (verdict(r) !== "ok") bad.push(`first ${first}: ${verdict(r)}`);
        else if (!r.errors) bad.push(`first ${first}: accepted, ${r.data[p.field].items.length} rows`);
      }
      for (const offset of [-1, -2147483648]) {
        const r = await page(s, p.role, p.field, p.sel, 5, offset);
        if (!codesOf(r).includes("BAD_USER_INPUT")) bad.push(`offset ${offset}: ${r.status} ${r.text.slice(0, 200)}`);
      }
      for (const offset of [100000, 2147483647]) {
        const r = await page(s, p.role, p.field, p.sel, 100, offset);
        if (r.errors || r.data[p.field].items.length !== 0 || r.data[p.field].hasMore !== false) bad.push(`offset ${offset}: ${r.text.slice(0, 200)}`);
      }
      for (const first of [1.5, "5", 2147483648, 9007199254740991, null]) {
        const r = await page(s, p.role, p.field, p.sel, first, 0);
        if (r.status !== 400 || !codesOf(r).includes("BAD_USER_INPUT")) bad.push(`first ${JSON.stringify(first)}: ${r.status} ${r.text.slice(0, 200)}`);
      }
      expect(bad).toEqual([]);
    });
  }

  it("notifications(first:) and outbox(first:): 0 gives no rows and a negative size is refused (not silently read as 1)", async () => {
    const s = get();
    const bad: string[] = [];
    const lists: [string, string, string][] = [[PB, "notifications", "id"], [ADMIN, "outbox", "id"]];
    for (const [role, field, sel] of lists) {
      const all = await post(s, role, `{ ${field}(first: 50) { ${sel} } }`);
      expect(all.errors, all.text).toBeUndefined();
      expect(all.data[field].length, `${field} has rows to page`).toBeGreaterThan(1);
      for (const first of [0, -1, -2147483648]) {
        const r = await post(s, role, `query R18($first: Int!) { ${field}(first: $first) { ${sel} } }`, { first });
        const v = verdict(r);
        if (v !== "ok") bad.push(`${field}(first: ${first}) as ${role}: ${v}`);
        else if (!r.errors && r.data[field].length > 0) bad.push(`${field}(first: ${first}) as ${role}: ${r.data[field].length} rows (expected none, or BAD_USER_INPUT)`);
      }
      for (const first of [1, 2]) {
        const r = await post(s, role, `query R18($first: Int!) { ${field}(first: $first) { ${sel} } }`, { first });
        if (r.errors || r.data[field].length > first) bad.push(`${field}(first: ${first}) as ${role}: ${r.text.slice(0, 200)}`);
      }
      for (const first of [1000, 1000000, 2147483647]) {
        const r = await post(s, role, `query R18($first: Int!) { ${field}(first: $first) { ${sel} } }`, { first });
        const v = verdict(r);
        if (v !== "ok") bad.push(`${field}(first: ${first}) as ${role}: ${v}`);
        else if (!r.errors && r.data[field].length > all.data[field].length + 100) bad.push(`${field}(first: ${first}) as ${role}: ${r.data[field].length} rows`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("ScorecardRow.trend(last:): 0 gives an empty trend, a negative count is refused, and a huge one is bounded by the quarters", async () => {
    const s = get();
    const q = `query R18($last: Int!) { scorecards { portfolioId rows { indicatorId cells { periodId } trend(last: $last) } } }`;
    const bad: string[] = [];
    for (const last of [0, -1, -2147483648]) {
      const r = await post(s, OFFICER, q, { last });
      const v = verdict(r);
      if (v !== "ok") { bad.push(`last ${last}: ${v}`); continue; }
      if (r.errors) continue; // a coded refusal is fine
      const lengths = new Set(r.data.scorecards.flatMap((c: any) => c.rows.map((x: any) => x.trend.length)));
      if ([...lengths].some((n) => n !== 0)) bad.push(`trend(last: ${last}) answered trends of ${[...lengths].join(",")} values`);
    }
    for (const last of [1, 3, 1000, 2147483647]) {
      const r = await post(s, OFFICER, q, { last });
      if (r.errors) { bad.push(`last ${last}: ${r.text.slice(0, 200)}`); continue; }
      for (const sc of r.data.scorecards) for (const row of sc.rows) {
        if (row.trend.length > Math.min(last, row.cells.length)) bad.push(`trend(last: ${last}) of ${row.indicatorId}: ${row.trend.length} values for ${row.cells.length} quarters`);
      }
    }
    expect([...new Set(bad)].slice(0, 10)).toEqual([]);
  });
}
