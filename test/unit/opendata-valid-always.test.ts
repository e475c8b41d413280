import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ContractRecord, OfficeRecords } from "../../server/modules/opendata/open-data.records.js";
import { ocdsReleasePackage } from "../../server/modules/opendata/ocds.js";
import { grantPackage } from "../../server/modules/opendata/threesixty.js";
import { describeErrors, validators } from "../../server/modules/opendata/standards.js";

/*
 * "Valid, always": whatever the records hold (within what the API accepts), the files validate. The builders are
 * pure functions of the records, so random offices go straight through them and the real schemas.
 */
const STATUSES = ["PIPELINE", "IN_PROCUREMENT", "LIVE", "UNDER_REVIEW", "DECOMMISSIONED", "ENDED"] as const;
const MECHANISMS = ["CONTRACTED_SERVICE", "ANY_QUALIFIED_PROVIDER", "PARTNERSHIP_AGREEMENT", "GRANT"] as const;
const SOURCES = ["PCC_BUDGET", "MOJ_VICTIMS_GRANT", "HOME_OFFICE_GRANT", "POLICE_PROPERTY_ACT", "PARTNER", "RESERVE", "OTHER"] as const;
const UNITS = ["COUNT", "PERCENT", "HOURS", "DAYS", "PENCE"] as const;

const isoDate = fc.date({ min: new Date("2000-01-01"), max: new Date("2040-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const year = fc.integer({ min: 2000, max: 2040 }).map((y) => `${y}-${String((y + 1) % 100).padStart(2, "0")}`);
const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max, unit: "grapheme" });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const pence = fc.integer({ min: -10_000_000_00, max: 10_000_000_00 });

const indicator = fc.record({ id: fc.integer({ min: 1, max: 5 }), code: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), name: text(2, 200), unit: fc.constantFrom(...UNITS) });

const contract = fc.record({
  reference: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _./-]{0,30}$/),
  title: text(2, 200),
  description: maybe(text(0, 300)),
  mechanism: fc.constantFrom(...MECHANISMS),
  status: fc.constantFrom(...STATUSES),
  startDate: maybe(isoDate),
  endDate: maybe(isoDate),
  annualValuePence: maybe(fc.integer({ min: 0, max: 50_000_000_00 })),
  provider: fc.record({ id: fc.integer({ min: 1, max: 1000 }), name: text(2, 200), charityNumber: maybe(fc.oneof(fc.stringMatching(/^\d{6,8}$/), fc.constant("  "))), companyNumber: maybe(fc.stringMatching(/^[A-Z0-9]{8}$/)) }),
  coCommissioners: fc.array(fc.record({ id: fc.integer({ min: 1, max: 1e6 }), partnerName: text(2, 200) }), { maxLength: 3 }),
  fundingLines: fc.array(fc.record({ year, amountPence: fc.integer({ min: 0, max: 5_000_000_00 }), status: fc.constantFrom("COMMITTED", "PLANNED"), stream: fc.record({ id: fc.integer({ min: 1, max: 20 }), name: text(2, 200), source: fc.constantFrom(...SOURCES) }) }), { maxLength: 4 }),
  spend: fc.array(fc.record({ year, quarter: fc.integer({ min: 1, max: 4 }), amountPence: pence }), { maxLength: 4 }),
  kpis: fc.uniqueArray(indicator, { selector: (i) => i.id, maxLength: 3 }),
  targets: fc.array(fc.record({ indicatorId: fc.integer({ min: 1, max: 5 }), year, quarter: maybe(fc.integer({ min: 1, max: 4 })), value: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }), { maxLength: 4 }),
  observations: fc.array(fc.record({ indicatorId: fc.integer({ min: 1, max: 5 }), year, quarter: fc.integer({ min: 1, max: 4 }), value: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }), { maxLength: 4 }),
  decided: maybe(isoDate),
  lastChanged: fc.date({ min: new Date("2000-01-01"), max: new Date("2040-12-31"), noInvalidDate: true }),
});

type Row = typeof contract extends fc.Arbitrary<infer T> ? T : never;

function records(office: { code: string; pfa: string | null }, rows: Row[]): OfficeRecords {
  const unique = [...new Map(rows.map((r) => [r.reference, r])).values()];
  return {
    office: { id: 1, name: "Office", code: office.code, commissionerTitle: "Police and Crime Commissioner for Somewhere", createdAt: new Date() } as never,
    settings: { officeId: 1, publish: true, shareBenchmarks: false, policeForceAreaCode: office.pfa, ocidPrefix: null, grantPrefix: null, orgId: null, version: 1, updatedAt: new Date() } as never,
    contracts: unique.map(
      (r, i): ContractRecord =>
        ({
          contract: { id: i + 1, officeId: 1, reference: r.reference, title: r.title, description: r.description, mechanism: r.mechanism, status: r.status, startDate: r.startDate, endDate: r.endDate, annualValuePence: r.annualValuePence, createdAt: r.lastChanged, updatedAt: r.lastChanged, version: 1 },
          provider: r.provider,
          coCommissioners: r.coCommissioners,
          fundingLines: r.fundingLines,
          spend: r.spend,
          kpis: r.kpis,
          targets: r.targets.filter((t) => r.kpis.some((k) => k.id === t.indicatorId)),
          observations: r.observations.map((o) => ({ ...o, acceptedAt: r.lastChanged })),
          awardDecisions: r.decided ? [{ decidedOn: r.decided, kind: "AWARD" }] : [],
          lastChanged: r.lastChanged,
        }) as never,
    ),
  };
}

describe("valid, always", () => {
  it("any office's contracts make a valid OCDS release package, and its grants a valid 360Giving package", () => {
    const { ocdsPackage, grantPackage: grantSchema } = validators();
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{1,20}$/), maybe(fc.constantFrom("E23000038", "E23000039", "E23000008")), fc.array(contract, { minLength: 1, maxLength: 6 }), (code, pfa, rows) => {
        const office = records({ code, pfa }, rows);
        const ocds = ocdsReleasePackage(office, `https://example.org/open/${code}/ocds.json`);
        expect(ocdsPackage(ocds), describeErrors(ocdsPackage.errors).join("\n")).toBe(true);
        const grants = grantPackage(office);
        if ((grants.grants as unknown[]).length) expect(grantSchema(grants), describeErrors(grantSchema.errors).join("\n")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
