import { In, type EntityManager } from "typeorm";
import { officeToRead } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { Office } from "../offices/office.entity.js";
import { OfficeOpenData } from "../opendata/open-data-settings.entity.js";
import { parseQuarter, quarterIndex } from "../periods/financial-year.js";
import { computeScorecards } from "../scorecards/scorecard.service.js";
import type { Indicator } from "../kpis/kpi.entities.js";
import { median } from "./benchmark.rules.js";
import type { BenchmarkIndicator, Benchmarks } from "./benchmark.types.js";

interface OfficeFigures {
  office: Office;
  /** indicator code → its definition in that office */
  indicators: Map<string, Indicator>;
  /** indicator code → quarter label → office-wide value from accepted returns */
  values: Map<string, Map<string, number>>;
}

/** The office-wide figure of every indicator in every quarter, from accepted returns only (the scorecard's office total). */
async function officeFigures(manager: EntityManager, office: Office): Promise<OfficeFigures> {
  const { indicators, scorecards } = await computeScorecards(manager, { officeId: office.id, includeSubmitted: false });
  const whole = scorecards.find((s) => s.portfolioId == null && s.contractId == null);
  const byId = new Map(indicators.map((i) => [i.id, i]));
  const values = new Map<string, Map<string, number>>();
  for (const row of whole?.rows ?? []) {
    const indicator = byId.get(row.indicatorId);
    if (!indicator) continue;
    const quarters = new Map<string, number>();
    for (const cell of row.cells) if (cell.actual != null && !cell.provisional) quarters.set(cell.label, cell.actual);
    values.set(indicator.code, quarters);
  }
  return { office, indicators: new Map(indicators.map((i) => [i.code, i])), values };
}

/**
 * The viewer's office beside every other office that shares its figures, for the indicators they have in common
 * (same code and unit), by quarter. Only an office that shares sees others: sharing is mutual.
 */
export async function benchmarks(ctx: Context, officeId: number | null | undefined): Promise<Benchmarks> {
  const own = officeToRead(ctx, officeId);
  const manager = ctx.services.db.manager;
  const sharing = await manager.find(OfficeOpenData, { where: { shareBenchmarks: true } });
  const sharingIds = sharing.map((s) => s.officeId);
  if (!sharingIds.includes(own)) return { officeId: own, sharing: false, peers: [], indicators: [] };

  const offices = await manager.find(Office, { where: { id: In(sharingIds) }, order: { name: "ASC" } });
  const figures = await Promise.all(offices.map((office) => officeFigures(manager, office)));
  const mine = figures.find((f) => f.office.id === own)!;
  const others = figures.filter((f) => f.office.id !== own);

  const indicators: BenchmarkIndicator[] = [];
  for (const [code, indicator] of [...mine.indicators].sort(([a], [b]) => a.localeCompare(b))) {
    const peers = others.filter((f) => f.indicators.get(code)?.unit === indicator.unit);
    if (!peers.length) continue;
    const labels = new Set<string>();
    for (const f of [mine, ...peers]) for (const label of f.values.get(code)?.keys() ?? []) labels.add(label);
    const quarters = [...labels]
      .sort((a, b) => quarterIndex(parseQuarter(a)) - quarterIndex(parseQuarter(b)))
      .map((label) => {
        const ownValue = mine.values.get(code)?.get(label) ?? null;
        const otherFigures = peers.map((f) => ({ officeId: f.office.id, officeName: f.office.name, value: f.values.get(code)?.get(label) ?? null }));
        const present = [ownValue, ...otherFigures.map((o) => o.value)].filter((v): v is number => v != null);
        return { label, own: ownValue, others: otherFigures, median: median(present), offices: present.length };
      });
    indicators.push({ code, name: indicator.name, unit: indicator.unit, direction: indicator.direction, quarters });
  }
  return { officeId: own, sharing: true, peers: others.map((f) => f.office.name), indicators };
}
