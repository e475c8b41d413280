import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decision } from "../../server/modules/decisions/decision.entity.js";
import { Office } from "../../server/modules/offices/office.entity.js";
import { PeriodState, ReportingPeriod } from "../../server/modules/periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnValue } from "../../server/modules/returns/return.entities.js";
import { User } from "../../server/modules/users/user.entity.js";
import { codes, startTestServer, type TestServer } from "./harness.js";

const COMMISSIONER = "commissioner@wiltshire.demo.example";
const OFFICER = "officer@wiltshire.demo.example";
const ANALYST = "analyst@wiltshire.demo.example";
const PROVIDER = "provider-a@demo.example";
const DORSET_OFFICER = "officer@dorset.demo.example";
const ADMIN = "admin@demo.example";

const SETTINGS = "query($o: Int) { openDataSettings(officeId: $o) { officeId publish shareBenchmarks policeForceAreaCode version } }";
const SET = "mutation($input: OpenDataSettingsInput!, $v: Int!) { setOpenDataSettings(input: $input, version: $v) { officeId publish version } }";
const FILES = ["transparency.json", "ocds.json", "360giving.json", "360giving.csv", "360giving.xlsx"];

let server: TestServer;
let wiltshire: Office;
let durham: Office;

beforeAll(async () => {
  server = await startTestServer();
  const m = server.services.db.manager;
  wiltshire = await m.findOneByOrFail(Office, { code: "wiltshire" });
  durham = await m.findOneByOrFail(Office, { code: "durham" });
});
afterAll(async () => server?.close());

/** Every public output of an office as text (the XLSX as the text of its cells), fetched with no credentials. */
async function publicText(code: string): Promise<string> {
  const parts: string[] = [];
  for (const file of FILES) {
    const response = await fetch(`${server.url}/open/${code}/${file}`);
    if (response.status === 404) continue;
    expect(response.status, file).toBe(200);
    if (file.endsWith(".xlsx")) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
      workbook.eachSheet((sheet) => sheet.eachRow((row) => parts.push(JSON.stringify(row.values))));
    } else parts.push(await response.text());
  }
  return parts.join("\n");
}

describe("who chooses to publish", () => {
  it("lets the Commissioner (not officers, analysts, providers or other offices) turn publishing on and off, with versions", async () => {
    const current = await server.run<any>(OFFICER, SETTINGS);
    expect(current.data!.openDataSettings).toMatchObject({ officeId: wiltshire.id, publish: true, policeForceAreaCode: "E23000038" });
    const version = current.data!.openDataSettings.version;
    expect(codes(await server.run(OFFICER, SET, { input: { publish: false }, v: version }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run(ANALYST, SET, { input: { publish: false }, v: version }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run(PROVIDER, SET, { input: { publish: false }, v: version }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run(PROVIDER, SETTINGS, { o: wiltshire.id }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run(COMMISSIONER, SET, { input: { officeId: durham.id, publish: false }, v: 1 }))).toEqual(["FORBIDDEN"]);
    expect(codes(await server.run(COMMISSIONER, SET, { input: { policeForceAreaCode: "Wiltshire" }, v: version }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await server.run(COMMISSIONER, SET, { input: { publish: false }, v: version + 5 }))).toEqual(["CONFLICT"]);

    const off = await server.run<any>(COMMISSIONER, SET, { input: { publish: false }, v: version });
    expect(off.errors).toBeUndefined();
    for (const file of FILES) expect((await fetch(`${server.url}/open/wiltshire/${file}`)).status, file).toBe(404);
    const on = await server.run<any>(COMMISSIONER, SET, { input: { publish: true }, v: off.data!.setOpenDataSettings.version });
    expect(on.errors).toBeUndefined();
    expect((await fetch(`${server.url}/open/wiltshire/transparency.json`)).status).toBe(200);
  });

  it("answers an office that never chose, or does not exist, with the same 404", async () => {
    await server.services.writer.dataSource.query("DELETE FROM office_open_data WHERE officeId = ?", [durham.id]);
    const never = await server.run<any>(DORSET_OFFICER.replace("dorset", "durham"), SETTINGS);
    expect(never.data!.openDataSettings).toMatchObject({ publish: false, shareBenchmarks: false, version: 0 });
    const a = await fetch(`${server.url}/open/durham/transparency.json`);
    const b = await fetch(`${server.url}/open/no-such-office/transparency.json`);
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(await a.json()).toEqual(await b.json());
    const first = await server.run<any>(ADMIN, SET, { input: { officeId: durham.id, publish: true }, v: 0 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.setOpenDataSettings).toMatchObject({ officeId: durham.id, publish: true, version: 1 });
  });
});

describe("the public transparency page", () => {
  it("shows published decisions, grants, contracts and frozen quarters without sign-in, and nothing unpublished", async () => {
    const m = server.services.db.manager;
    // A decision recorded but never published, and one published: only the second may appear.
    const record = 'mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { id version } }';
    const hidden = await server.run<any>(OFFICER, record, { input: { kind: "EXTEND", title: "Unpublished extension of the quokka pilot", rationale: "Confidential: wait for the Panel before telling anyone about the quokka pilot.", evidenceReturnIds: [], decidedOn: "2024-03-01" } });
    const shown = await server.run<any>(OFFICER, record, { input: { kind: "AWARD", title: "Published award for the pelican service", rationale: "The pelican service met its targets in every quarter.", evidenceReturnIds: [], decidedOn: "2024-03-02" } });
    expect(hidden.errors ?? shown.errors).toBeUndefined();
    const published = await server.run(COMMISSIONER, "mutation($id: Int!, $v: Int!) { publishDecision(id: $id, version: $v) { published } }", { id: shown.data!.recordDecision.id, v: shown.data!.recordDecision.version });
    expect(published.errors).toBeUndefined();

    // A closed quarter frozen for the Panel: its scorecards become public.
    const closed = await m.findOneOrFail(ReportingPeriod, { where: { officeId: wiltshire.id, state: PeriodState.CLOSED }, order: { year: "ASC", quarter: "ASC" } });
    const frozen = await server.run(OFFICER, "mutation($id: Int!, $v: Int!) { freezePeriod(id: $id, version: $v) { frozenAt } }", { id: closed.id, v: closed.version });
    expect(frozen.errors).toBeUndefined();

    const response = await fetch(`${server.url}/open/wiltshire/transparency.json`);
    expect(response.status).toBe(200);
    const page = await response.json();
    expect(page.office.name).toBe("Wiltshire & Swindon");
    expect(page.decisions.map((d: any) => d.title)).toContain("Published award for the pelican service");
    expect(JSON.stringify(page)).not.toContain("quokka");
    const allPublished = await m.findBy(Decision, { officeId: wiltshire.id, published: true });
    expect(page.decisions).toHaveLength(allPublished.length);
    expect(page.contracts.length).toBeGreaterThan(0);
    expect(page.grants.length).toBeGreaterThan(0);
    // Every frozen quarter (the demo's own and the one just frozen), and no other.
    const frozenLabels = (await m.findBy(ReportingPeriod, { officeId: wiltshire.id, state: PeriodState.FROZEN })).map((p) => `${p.year} Q${p.quarter}`);
    expect(frozenLabels).toContain(`${closed.year} Q${closed.quarter}`);
    expect(page.frozenQuarters.map((q: any) => q.label).sort()).toEqual(frozenLabels.sort());
    expect(page.frozenQuarters[0].scorecards.some((s: any) => s.rows.some((r: any) => r.actual != null))).toBe(true);
    expect(page.downloads.map((d: any) => d.href)).toEqual(["ocds.json", "360giving.json", "360giving.csv", "360giving.xlsx"].map((f) => `/open/wiltshire/${f}`));
    // Open quarters are not on the page.
    const openPeriods = await m.findBy(ReportingPeriod, { officeId: wiltshire.id, state: PeriodState.OPEN });
    for (const p of openPeriods) expect(page.frozenQuarters.map((q: any) => q.label)).not.toContain(`${p.year} Q${p.quarter}`);
  });

  it("never shows a user's name or e-mail, a provider's narrative or comment, a review reason, or an unpublished decision, in any public output", async () => {
    const m = server.services.db.manager;
    // Give the scan something to find: a narrative and a comment of our own on an accepted return.
    const accepted = await m.findOneOrFail(PerformanceReturn, { where: { state: "ACCEPTED" as never }, order: { id: "ASC" } });
    await server.services.writer.dataSource.query("UPDATE performance_return SET achievements = ?, caseStudy = ? WHERE id = ?", ["Achievement narrative: the heron outreach reached 41 families.", "Case study: a survivor called Jo moved to safe housing.", accepted.id]);

    const secrets = new Set<string>();
    for (const user of await m.find(User)) {
      secrets.add(user.email);
      secrets.add(user.name);
    }
    // Portfolio leads are people too.
    for (const row of await m.query("SELECT leadName FROM portfolio WHERE leadName IS NOT NULL")) secrets.add(row.leadName);
    const longEnough = (s: unknown): s is string => typeof s === "string" && s.trim().length >= 16; // short strings ("None", "n/a") match by chance
    for (const r of await m.find(PerformanceReturn)) for (const s of [r.achievements, r.challenges, r.caseStudy, r.emergingRisks, r.reviewReason]) if (longEnough(s)) secrets.add(s);
    for (const rev of await m.find(ReturnRevision)) {
      for (const s of Object.values(rev.narrative ?? {})) if (longEnough(s)) secrets.add(s);
      for (const v of rev.values ?? []) if (longEnough(v.comment)) secrets.add(v.comment);
      for (const s of Object.values(rev.measureComments ?? {})) if (longEnough(s)) secrets.add(s);
      if (longEnough(rev.reviewReason)) secrets.add(rev.reviewReason);
    }
    for (const v of await m.find(ReturnValue)) if (longEnough(v.comment)) secrets.add(v.comment);
    for (const d of await m.findBy(Decision, { published: false })) {
      if (longEnough(d.title)) secrets.add(d.title);
      if (longEnough(d.rationale)) secrets.add(d.rationale);
    }
    expect(secrets.size).toBeGreaterThan(20);
    expect([...secrets].some((s) => s.includes("heron outreach"))).toBe(true);

    let scanned = 0;
    for (const office of await m.find(Office)) {
      const text = await publicText(office.code);
      scanned += text.length;
      const leaks = [...secrets].filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)));
      expect(leaks, `${office.code} leaks`).toEqual([]);
      expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/); // no e-mail address of anyone
      // The scan sees what is published: the decision published in the previous test is there.
      if (office.code === "wiltshire") expect(text).toContain("The pelican service met its targets");
    }
    expect(scanned).toBeGreaterThan(10_000);
  });
});

describe("the public routes under load", () => {
  it("refuse a client past its per-minute budget with 429 and Retry-After, like /graphql", async () => {
    const limited = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: "3" } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${limited.url}/open/wiltshire/transparency.json`);
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get("retry-after");
        await response.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
