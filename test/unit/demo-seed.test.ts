import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The seed is checked on SQLite: entity column types follow DATABASE_URL when their modules load.
const previousUrl = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;
const { openDatabase } = await import("../../server/db/data-source.js");
const { seedDemoData, DEMO_LOGINS } = await import("../../server/db/seed/demo-seed.js");
const { verifyPassword } = await import("../../server/auth/passwords.js");

/*
 * The demo data must reproduce the source documents' figures (../shared/seeds). These checks sum the rows directly,
 * in pence, so a wrong figure in the seed files fails here whatever the API does with it.
 */

let directory: string;
let db: DataSource;

/** One number from a query whose single row has a column `n`; NULL (no rows) is 0. */
async function num(sql: string, ...params: unknown[]): Promise<number> {
  const [row] = await db.query(sql, params);
  return Number(row?.n ?? 0);
}

const streamYear = (office: string, stream: string, year: string) =>
  num(
    `SELECT SUM(fsy."amountPence") AS n FROM funding_stream_year fsy
       JOIN funding_stream fs ON fs.id = fsy."streamId" JOIN office o ON o.id = fs."officeId"
      WHERE o.code = ? AND fs.name = ? AND fsy.year = ?`,
    office,
    stream,
    year,
  );

const allocated = (office: string, where: string, ...params: unknown[]) =>
  num(
    `SELECT SUM(a."amountPence") AS n FROM portfolio_allocation a
       JOIN funding_stream fs ON fs.id = a."streamId" JOIN office o ON o.id = fs."officeId"
       LEFT JOIN portfolio p ON p.id = a."portfolioId"
      WHERE o.code = ? AND ${where}`,
    office,
    ...params,
  );

const fundingLines = (office: string, stream: string, year: string, status: string) =>
  num(
    `SELECT SUM(fl."amountPence") AS n FROM funding_line fl
       JOIN funding_stream fs ON fs.id = fl."streamId" JOIN contract c ON c.id = fl."contractId"
       JOIN office o ON o.id = c."officeId"
      WHERE o.code = ? AND fs.name = ? AND fl.year = ? AND fl.status = ?`,
    office,
    stream,
    year,
    status,
  );

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of db.entityMetadatas.map((m) => m.tableName)) counts[table] = await num(`SELECT COUNT(*) AS n FROM "${table}"`);
  return counts;
}

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "commissioning-hub-seed-"));
  db = await openDatabase({ databasePath: path.join(directory, "seed.sqlite"), databaseUrl: undefined });
  await seedDemoData(db);
});

afterAll(async () => {
  await db?.destroy();
  if (directory) fs.rmSync(directory, { recursive: true, force: true });
  if (previousUrl !== undefined) process.env.DATABASE_URL = previousUrl;
});

describe("demo seed: Wiltshire & Swindon 2023-24 (seeds/002)", () => {
  it("has the three funding streams, £4.561m in all", async () => {
    expect(await streamYear("wiltshire", "PCC Commissioning Budget", "2023-24")).toBe(293_900_000);
    expect(await streamYear("wiltshire", "Ministry of Justice Victims Grant", "2023-24")).toBe(136_700_000);
    expect(await streamYear("wiltshire", "Home Office Serious Violence Duty Grant", "2023-24")).toBe(25_500_000);
    expect(
      await num(
        `SELECT SUM(fsy."amountPence") AS n FROM funding_stream_year fsy JOIN funding_stream fs ON fs.id = fsy."streamId"
           JOIN office o ON o.id = fs."officeId" WHERE o.code = 'wiltshire' AND fsy.year = '2023-24'`,
      ),
    ).toBe(456_100_000);
  });

  it("allocates the whole PCC budget: £1.802m core and pipeline plus £1.137m for custody and SARC", async () => {
    const pcc = `fs.name = 'PCC Commissioning Budget' AND a.year = '2023-24'`;
    expect(await allocated("wiltshire", pcc)).toBe(293_900_000);
    expect(await allocated("wiltshire", `${pcc} AND a.label NOT IN ('SARC contract', 'Custody healthcare contract')`)).toBe(180_200_000);
    expect(await allocated("wiltshire", `${pcc} AND a.label IN ('SARC contract', 'Custody healthcare contract')`)).toBe(113_700_000);
    expect(await allocated("wiltshire", `${pcc} AND p.name = 'Prevention & Youth'`)).toBe(56_700_000);
    expect(await allocated("wiltshire", `${pcc} AND p.name = 'Victims & Vulnerability' AND a.label = 'Core budget'`)).toBe(66_700_000);
    expect(await allocated("wiltshire", `${pcc} AND p.name = 'Reducing Reoffending & Criminal Justice' AND a.label = 'Core budget'`)).toBe(41_900_000);
    expect(await allocated("wiltshire", `${pcc} AND a.kind = 'PIPELINE' AND a."portfolioId" IS NULL`)).toBe(14_900_000);
    // Victims & Vulnerability's PCC money is £0.985m including SARC; reducing reoffending's custody line is £0.819m.
    expect(await allocated("wiltshire", `${pcc} AND p.name = 'Victims & Vulnerability'`)).toBe(98_500_000);
    expect(await allocated("wiltshire", `${pcc} AND a.label = 'Custody healthcare contract'`)).toBe(81_900_000);
  });

  it("gives the MoJ grant to victims and £0.254m of the £0.255m Serious Violence Duty grant to partners", async () => {
    expect(await allocated("wiltshire", `fs.name = 'Ministry of Justice Victims Grant' AND p.name = 'Victims & Vulnerability'`)).toBe(136_700_000);
    expect(await allocated("wiltshire", `fs.name = 'Home Office Serious Violence Duty Grant'`)).toBe(25_400_000);
  });

  it("records the named contracts' OPCC contributions and partners", async () => {
    const line = (title: string) =>
      num(`SELECT SUM(fl."amountPence") AS n FROM funding_line fl JOIN contract c ON c.id = fl."contractId" WHERE c.title = ? AND fl.year = '2023-24'`, title);
    expect(await line("Custody healthcare")).toBe(81_800_000);
    expect(await line("Sexual Assault Referral Centre (SARC)")).toBe(31_800_000);
    expect(await line("Mental health treatment requirements")).toBe(4_000_000);
    expect(await line("Substance misuse service – Wiltshire")).toBe(10_500_000);
    expect(await line("Substance misuse service – Swindon")).toBe(7_000_000);
    expect(await line("Domestic abuse serial perpetrator support")).toBe(7_000_000);
    expect(await line("Mental health control room triage")).toBe(12_200_000);
    expect(await line("Victim Voice survey")).toBe(2_500_000);
    const partners = await db.query(
      `SELECT c.title, cc."partnerName" FROM co_commissioner cc JOIN contract c ON c.id = cc."contractId" ORDER BY c.title, cc."partnerName"`,
    );
    expect(partners).toEqual(
      expect.arrayContaining([
        { title: "Sexual Assault Referral Centre (SARC)", partnerName: "NHS England" },
        { title: "Mental health treatment requirements", partnerName: "NHS England" },
        { title: "Substance misuse service – Wiltshire", partnerName: "Wiltshire Council" },
        { title: "Substance misuse service – Swindon", partnerName: "Swindon Borough Council" },
        { title: "Domestic abuse serial perpetrator support", partnerName: "Probation Service" },
      ]),
    );
  });

  it("has the four services in the re-procurement plan", async () => {
    const rows = await db.query(
      `SELECT title, "reviewWindow", "plannedStartDate", "potentialValuePence", status FROM contract WHERE "reviewWindow" IS NOT NULL AND "officeId" = (SELECT id FROM office WHERE code = 'wiltshire') ORDER BY "potentialValuePence" DESC`,
    );
    expect(rows.map((r: { title: string; reviewWindow: string; plannedStartDate: string; potentialValuePence: number }) => [r.title, r.reviewWindow, r.plannedStartDate, Number(r.potentialValuePence)])).toEqual([
      ["Victim and restorative services (Horizon)", "March to May 2023", "2023-06-01", 50_000_000],
      ["Adult victims of crime service", "July to November 2023", "2024-04-01", 22_000_000],
      ["Children victims of crime service", "April to August 2023", "2024-04-01", 12_000_000],
      ["Domestic abuse advocacy Swindon & refuge/safe spaces", "April to December 2023", "2024-04-01", 9_000_000],
    ]);
    for (const row of rows) expect(["UNDER_REVIEW", "IN_PROCUREMENT"]).toContain(row.status);
  });
});

describe("demo seed: Wiltshire & Swindon 2020-21 (seeds/000) and strategy (seeds/003)", () => {
  it("has the Community Safety Fund and the Victims Fund", async () => {
    expect(await streamYear("wiltshire", "Community Safety Fund", "2020-21")).toBe(212_202_100);
    expect(await streamYear("wiltshire", "Victims Fund", "2020-21")).toBe(84_171_000);
    expect(await allocated("wiltshire", `fs.name = 'Community Safety Fund' AND a.year = '2020-21'`)).toBe(212_202_100);
    expect(await allocated("wiltshire", `fs.name = 'Community Safety Fund' AND a.kind = 'RESERVED'`)).toBe(5_000_000);
  });

  it("scores briefs 0–3 on each of the three criteria", async () => {
    const scores: { b: number | null; d: number | null; l: number | null }[] = await db.query(
      `SELECT "businessNeedScore" AS b, "driversScore" AS d, "deliverabilityScore" AS l FROM project_brief`,
    );
    expect(scores.length).toBeGreaterThan(0);
    const given = scores.flatMap((s) => [s.b, s.d, s.l]).filter((v) => v !== null);
    expect(given.every((v) => Number.isInteger(v) && v! >= 0 && v! <= 3), `scores: ${given.join(", ")}`).toBe(true);
  });

  it("sets the Police Property Act Fund's award rules", async () => {
    const [fund] = await db.query(`SELECT "maxAwardPence", "oneOffOnly", "eligibleRecipientTypes", source FROM funding_stream WHERE name = 'Police Property Act Fund'`);
    expect(Number(fund.maxAwardPence)).toBe(300_000);
    expect(Boolean(fund.oneOffOnly)).toBe(true);
    expect(fund.eligibleRecipientTypes).toBe("VOLUNTARY_COMMUNITY");
    expect(fund.source).toBe("POLICE_PROPERTY_ACT");
  });
});

describe("demo seed: Dorset 2019-20 (seeds/001)", () => {
  const FUNDS = ["Commissioner's Safety Fund", "Local Innovation Fund", "Victims Core Fund", "Victims Fund – CSA Element"];

  it("commits £810k, £178k, £745k and £0 by fund (£1,733k) across 23 commitments", async () => {
    const committed = await Promise.all(FUNDS.map((f) => fundingLines("dorset", f, "2019-20", "COMMITTED")));
    expect(committed).toEqual([81_000_000, 17_800_000, 74_500_000, 0]);
    expect(committed.reduce((a, b) => a + b)).toBe(173_300_000);
    expect(await num(`SELECT COUNT(DISTINCT fl."contractId") AS n FROM funding_line fl JOIN contract c ON c.id = fl."contractId" JOIN office o ON o.id = c."officeId" WHERE o.code = 'dorset' AND fl.status = 'COMMITTED' AND fl.year = '2019-20'`)).toBe(23); // 2019-20's; the Immersion pledge (001) is 2018-19's
  });

  it("plans £0, £523k, £0 and £28k by fund (£551k) across 12 projects", async () => {
    const planned = await Promise.all(FUNDS.map((f) => fundingLines("dorset", f, "2019-20", "PLANNED")));
    expect(planned).toEqual([0, 52_300_000, 0, 2_800_000]);
    expect(planned.reduce((a, b) => a + b)).toBe(55_100_000);
    expect(await num(`SELECT COUNT(DISTINCT fl."contractId") AS n FROM funding_line fl JOIN contract c ON c.id = fl."contractId" JOIN office o ON o.id = c."officeId" WHERE o.code = 'dorset' AND fl.status = 'PLANNED'`)).toBe(12);
  });

  it("holds the four funds and the Community Grant Scheme in the Safer Dorset Fund: £2.4m scheme, £0.9m from MoJ", async () => {
    const children: { name: string }[] = await db.query(
      `SELECT c.name FROM funding_stream c JOIN funding_stream p ON p.id = c."parentId" WHERE p.name = 'Safer Dorset Fund' ORDER BY c.name`,
    );
    expect(children.map((c) => c.name).sort()).toEqual([...FUNDS, "Community Grant Scheme"].sort());
    const fundYears = await Promise.all(FUNDS.map((f) => streamYear("dorset", f, "2019-20")));
    expect(fundYears.reduce((a, b) => a + b)).toBe(240_000_000);
    expect(fundYears[2] + fundYears[3]).toBe(90_000_000);
    const [cgs] = await db.query(
      `SELECT fsy."amountPence" AS amount, fsy.variable, fs.source FROM funding_stream_year fsy JOIN funding_stream fs ON fs.id = fsy."streamId" WHERE fs.name = 'Community Grant Scheme'`,
    );
    expect([Number(cgs.amount), Boolean(cgs.variable), cgs.source]).toEqual([5_000_000, true, "POLICE_PROPERTY_ACT"]);
  });

  it("gives every Dorset contract a main pillar of the Police and Crime Plan 2017-2021", async () => {
    expect(
      await num(
        `SELECT COUNT(*) AS n FROM contract c JOIN office o ON o.id = c."officeId" LEFT JOIN plan_priority pp ON pp.id = c."mainPriorityId"
          WHERE o.code = 'dorset' AND pp.id IS NULL`,
      ),
    ).toBe(0);
    const ends = await db.query(`SELECT title, "endDate" FROM contract WHERE "endDate" IN ('2019-10-31', '2020-09-30') ORDER BY "endDate"`);
    expect(ends.map((r: { endDate: string }) => r.endDate)).toEqual(["2019-10-31", "2020-09-30"]);
  });
});

describe("demo seed: Durham 2018-19 (seeds/004)", () => {
  it("allocates £0.8m, £0.5m and £0.7m to the three priorities", async () => {
    const year = `a.year = '2018-19'`;
    expect(await allocated("durham", `${year} AND p.name = 'Victims services'`)).toBe(80_000_000);
    expect(await allocated("durham", `${year} AND p.name = 'Community safety and prevention'`)).toBe(50_000_000);
    expect(await allocated("durham", `${year} AND p.name = 'Reducing reoffending'`)).toBe(70_000_000);
  });

  it("links every Key Performance Question to at least one indicator", async () => {
    expect(await num(`SELECT COUNT(*) AS n FROM key_performance_question q WHERE NOT EXISTS (SELECT 1 FROM kpq_indicator k WHERE k."questionId" = q.id)`)).toBe(0);
    expect(await num(`SELECT COUNT(*) AS n FROM key_performance_question`)).toBeGreaterThan(0);
  });
});

describe("demo seed: returns, users and idempotence", () => {
  it("keeps every numerator within its denominator and every count whole and non-negative", async () => {
    const over = await num(
      `SELECT COUNT(*) AS n FROM (
         SELECT r.id, i.id AS ind,
                SUM(CASE WHEN im.role = 'NUMERATOR' THEN rv.value END) AS num,
                SUM(CASE WHEN im.role = 'DENOMINATOR' THEN rv.value END) AS den
           FROM performance_return r
           JOIN contract_kpi ck ON ck."contractId" = r."contractId"
           JOIN indicator i ON i.id = ck."indicatorId"
           JOIN indicator_measure im ON im."indicatorId" = i.id
           JOIN return_value rv ON rv."returnId" = r.id AND rv."measureId" = im."measureId"
          GROUP BY r.id, i.id) t
        WHERE t.den IS NOT NULL AND t.num > t.den`,
    );
    expect(over).toBe(0);
    expect(await num(`SELECT COUNT(*) AS n FROM return_value WHERE value < 0 OR value <> ROUND(value)`)).toBe(0);
    expect(await num(`SELECT COUNT(*) AS n FROM performance_return`)).toBeGreaterThan(40);
  });

  it("lets provider A's organisation hold contracts in two offices", async () => {
    const login = DEMO_LOGINS.find((l) => l.email.startsWith("provider-a@"))!;
    const offices = await num(
      `SELECT COUNT(DISTINCT c."officeId") AS n FROM contract c JOIN provider p ON p.id = c."providerId" WHERE p.name = ?`,
      login.provider,
    );
    expect(offices).toBe(2);
  });

  it("creates every advertised login with the demo password", async () => {
    const [admin] = await db.query(`SELECT "passwordHash" FROM "user" WHERE email = 'admin@demo.example'`);
    expect(await verifyPassword("demo-password-2026", admin.passwordHash)).toBe(true);
    for (const login of DEMO_LOGINS) {
      const [row] = await db.query(`SELECT role FROM "user" WHERE email = ?`, [login.email]);
      expect(row?.role, login.email).toBe(login.role);
    }
  });

  it("does nothing when run again", async () => {
    const before = await rowCounts();
    await seedDemoData(db);
    expect(await rowCounts()).toEqual(before);
    expect(before.office).toBe(3);
  });
});
