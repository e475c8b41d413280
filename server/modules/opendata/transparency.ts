import { In, type EntityManager } from "typeorm";
import { PUBLIC_PERIOD_STATES, publicCanSeeDecision } from "../../auth/public-access.js";
import { Decision } from "../decisions/decision.entity.js";
import { Indicator } from "../kpis/kpi.entities.js";
import { ReportingPeriod } from "../periods/reporting-period.entity.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { QuarterSnapshot } from "../scorecards/quarter-snapshot.entity.js";
import type { ScorecardData } from "../scorecards/scorecard.service.js";
import { contractValuePence } from "./ocds.js";
import { isGrant, type OfficeRecords } from "./open-data.records.js";
import { grantsOf } from "./threesixty.js";

/** What the public transparency page shows. Every field is chosen here; nothing is passed through whole. */
export interface TransparencyPage {
  office: { name: string; code: string; commissionerTitle: string };
  decisions: Array<{ kind: string; title: string; rationale: string; decidedOn: string; contractReference: string | null }>;
  contracts: Array<{ reference: string; title: string; provider: string; mechanism: string; status: string; startDate: string | null; endDate: string | null; valuePence: number | null; grant: boolean }>;
  grants: Array<{ id: string; title: string; recipient: string; amountAwarded: number; awardDate: string; programme: string | null }>;
  frozenQuarters: Array<{
    label: string;
    frozenAt: string;
    scorecards: Array<{ portfolio: string; rows: Array<{ indicator: string; unit: string; actual: number | null; target: number | null; rag: string; returnsIn: number; returnsDue: number }> }>;
  }>;
  downloads: Array<{ label: string; href: string }>;
}

export function downloadsFor(code: string): TransparencyPage["downloads"] {
  const base = `/open/${encodeURIComponent(code)}`;
  return [
    { label: "Contracts (OCDS 1.1 release package, JSON)", href: `${base}/ocds.json` },
    { label: "Grants (360Giving, JSON)", href: `${base}/360giving.json` },
    { label: "Grants (360Giving, CSV)", href: `${base}/360giving.csv` },
    { label: "Grants (360Giving, XLSX)", href: `${base}/360giving.xlsx` },
  ];
}

export async function transparencyPage(manager: EntityManager, records: OfficeRecords): Promise<TransparencyPage> {
  const { office } = records;
  const decisions = (await manager.find(Decision, { where: { officeId: office.id, published: true }, order: { decidedOn: "DESC", id: "DESC" } })).filter(publicCanSeeDecision);
  const referenceOf = new Map(records.contracts.map((r) => [r.contract.id, r.contract.reference]));

  const periods = await manager.find(ReportingPeriod, { where: { officeId: office.id, state: In([...PUBLIC_PERIOD_STATES]) }, order: { year: "DESC", quarter: "DESC" } });
  const snapshots = periods.length ? await manager.find(QuarterSnapshot, { where: { periodId: In(periods.map((p) => p.id)) } }) : [];
  const snapshotOf = new Map(snapshots.map((s) => [s.periodId, s]));
  const [portfolios, indicators] = await Promise.all([manager.find(Portfolio, { where: { officeId: office.id } }), manager.find(Indicator, { where: { officeId: office.id } })]);
  const portfolioName = new Map(portfolios.map((p) => [p.id, p.name]));
  const indicatorById = new Map(indicators.map((i) => [i.id, i]));

  const frozenQuarters: TransparencyPage["frozenQuarters"] = [];
  for (const period of periods) {
    const snapshot = snapshotOf.get(period.id);
    if (!snapshot) continue;
    const frozen = (snapshot.payload as { scorecards?: ScorecardData[] }).scorecards ?? [];
    frozenQuarters.push({
      label: `${period.year} Q${period.quarter}`,
      frozenAt: new Date(snapshot.frozenAt).toISOString(),
      scorecards: frozen
        .filter((s) => s.contractId == null)
        .map((s) => ({
          portfolio: s.portfolioId == null ? "Whole office" : (portfolioName.get(s.portfolioId) ?? "Portfolio"),
          rows: s.rows.flatMap((row) => {
            const cell = row.cells[0];
            const indicator = indicatorById.get(row.indicatorId);
            if (!cell || !indicator) return [];
            return [{ indicator: indicator.name, unit: indicator.unit, actual: cell.actual, target: cell.target, rag: cell.rag, returnsIn: cell.returnsIn, returnsDue: cell.returnsDue }];
          }),
        })),
    });
  }

  return {
    office: { name: office.name, code: office.code, commissionerTitle: office.commissionerTitle },
    decisions: decisions.map((d) => ({ kind: d.kind, title: d.title, rationale: d.rationale, decidedOn: d.decidedOn, contractReference: d.contractId == null ? null : (referenceOf.get(d.contractId) ?? null) })),
    contracts: records.contracts.map((r) => ({
      reference: r.contract.reference,
      title: r.contract.title,
      provider: r.provider.name,
      mechanism: r.contract.mechanism,
      status: r.contract.status,
      startDate: r.contract.startDate,
      endDate: r.contract.endDate,
      valuePence: contractValuePence(r),
      grant: isGrant(r),
    })),
    grants: grantsOf(records).map((g) => ({
      id: g.id as string,
      title: g.title as string,
      recipient: (g.recipientOrganization as Array<{ name: string }>)[0].name,
      amountAwarded: g.amountAwarded as number,
      awardDate: g.awardDate as string,
      programme: (g.grantProgramme as Array<{ title: string }> | undefined)?.[0]?.title ?? null,
    })),
    frozenQuarters,
    downloads: downloadsFor(office.code),
  };
}
