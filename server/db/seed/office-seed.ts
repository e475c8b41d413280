import type { EntityManager } from "typeorm";
import { BriefDriver, BriefState, ProjectBrief } from "../../modules/briefs/project-brief.entity.js";
import {
  CoCommissioner,
  Contract,
  ContractPriority,
  ContractStatus,
  FundingLine,
  FundingLineStatus,
  LifecycleStage,
  Mechanism,
} from "../../modules/contracts/contract.entities.js";
import { FundingSource, FundingStream, FundingStreamYear, ReportingCadence } from "../../modules/funding/funding.entities.js";
import {
  ContractKpi,
  Direction,
  Indicator,
  IndicatorMeasure,
  Measure,
  MeasureRole,
  MeasureUnit,
  Target,
} from "../../modules/kpis/kpi.entities.js";
import { Office } from "../../modules/offices/office.entity.js";
import { KeyPerformanceQuestion, KpqIndicator, PlanKind, PlanPriority, StrategicPlan } from "../../modules/plans/plan.entities.js";
import { AllocationKind, Portfolio, PortfolioAllocation, PortfolioPriority } from "../../modules/portfolios/portfolio.entities.js";
import type { ProviderType } from "../../modules/providers/provider.entity.js";
import { defaultReportingSchedule, ReportingSchedule } from "../../modules/contracts/reporting-schedule.js";
import { parseReviewWindow } from "../../modules/contracts/review-window.js";
import { insertRows, KeyRegistry } from "./seed-kit.js";

/** A contract's value for choosing its default reporting schedule: its annual value, or its largest year of funding. */
function seedValue(c: ContractSeed): number | null {
  if (c.annualValuePence != null) return c.annualValuePence;
  const byYear = new Map<string, number>();
  for (const f of c.funding ?? []) byYear.set(f.year, (byYear.get(f.year) ?? 0) + f.amountPence);
  return byYear.size ? Math.max(...byYear.values()) : null;
}

/*
 * The shape every office's demo data is written in. Rows refer to one another by key; `seedOffice` inserts them in
 * dependency order and resolves the keys. Priority keys are "<plan key>.<priority key>".
 */

export interface PlanSeed {
  key: string;
  kind: PlanKind;
  title: string;
  startYear: string;
  endYear: string;
  priorities: { key: string; title: string; description?: string }[];
}

export interface StreamSeed {
  key: string;
  name: string;
  source: FundingSource;
  /** Key of the stream this one sits within. Parents must be listed before their children. */
  parent?: string;
  ringFencedPurpose?: string;
  maxAwardPence?: number;
  oneOffOnly?: boolean;
  eligibleRecipientTypes?: ProviderType[];
  funderReportingCadence?: ReportingCadence;
  years?: { year: string; amountPence: number; variable?: boolean; note?: string }[];
}

export interface PortfolioSeed {
  key: string;
  name: string;
  leadName: string | null;
  description: string;
  priorities: string[];
}

export interface AllocationSeed {
  stream: string;
  /** Omitted for pipeline and reserved money. */
  portfolio?: string;
  kind: AllocationKind;
  year: string;
  label: string;
  amountPence: number;
}

export interface ContractSeed {
  /** The office's own contract reference; also the key other seed rows use. */
  ref: string;
  portfolio: string;
  /** Key into the provider catalogue (providers.ts). */
  provider: string;
  title: string;
  description?: string;
  mechanism: Mechanism;
  stage: LifecycleStage;
  status: ContractStatus;
  startDate?: string;
  endDate?: string;
  annualValuePence?: number;
  mainPriority?: string;
  otherPriorities?: string[];
  coCommissioners?: { partnerName: string; annualContributionPence?: number }[];
  funding?: { stream: string; year: string; amountPence: number; status?: FundingLineStatus }[];
  reprocurement?: { reviewWindow: string; plannedStartDate: string; potentialValuePence: number };
  /** Defaults by mechanism and value (defaultReportingSchedule), as for a contract created through the API. */
  reportingSchedule?: ReportingSchedule;
}

export interface MeasureSeed {
  code: string;
  name: string;
  description?: string;
  unit: MeasureUnit;
  minValue?: number;
  maxValue?: number;
}

export interface IndicatorSeed {
  code: string;
  name: string;
  numerator: string[];
  denominator?: string[];
  unit: MeasureUnit;
  direction: Direction;
  amberTolerance: number;
}

export interface TargetSeed {
  indicator: string;
  contract?: string;
  portfolio?: string;
  year: string;
  quarter?: number;
  value: number;
}

export interface KpqSeed {
  priority: string;
  question: string;
  indicators: string[];
}

export interface BriefSeed {
  portfolio?: string;
  title: string;
  summary: string;
  drivers: BriefDriver[];
  /** Business need, drivers, deliverability: each 0–3. */
  scores?: [number, number, number];
  proposedValuePence?: number;
  state: BriefState;
  /** The contract an approved brief became. */
  contract?: string;
}

/** One slice of an office's data (e.g. "Wiltshire 2023-24"). Later parts may refer to keys from earlier ones. */
export interface SeedPart {
  plans?: PlanSeed[];
  streams?: StreamSeed[];
  portfolios?: PortfolioSeed[];
  allocations?: AllocationSeed[];
  contracts?: ContractSeed[];
  measures?: MeasureSeed[];
  indicators?: IndicatorSeed[];
  contractKpis?: { contract: string; indicators: string[] }[];
  targets?: TargetSeed[];
  keyPerformanceQuestions?: KpqSeed[];
  briefs?: BriefSeed[];
}

export interface OfficeSeed {
  office: { name: string; code: string; commissionerTitle: string };
  parts: SeedPart[];
}

/** Inserts one office and all its parts; returns the office id and the key registry for later steps. */
export async function seedOffice(
  em: EntityManager,
  seed: OfficeSeed,
  providers: KeyRegistry,
): Promise<{ officeId: number; keys: KeyRegistry }> {
  const [office] = await insertRows(em, Office, [seed.office]);
  const keys = new KeyRegistry(seed.office.code);
  for (const part of seed.parts) await seedPart(em, office.id, part, keys, providers);
  return { officeId: office.id, keys };
}

async function seedPart(em: EntityManager, officeId: number, part: SeedPart, keys: KeyRegistry, providers: KeyRegistry): Promise<void> {
  for (const plan of part.plans ?? []) {
    const [row] = await insertRows(em, StrategicPlan, [
      { officeId, kind: plan.kind, title: plan.title, startYear: plan.startYear, endYear: plan.endYear },
    ]);
    const priorities = await insertRows(
      em,
      PlanPriority,
      plan.priorities.map((p, position) => ({ planId: row.id, title: p.title, description: p.description ?? null, position })),
    );
    keys.set("plan", plan.key, row.id);
    plan.priorities.forEach((p, i) => keys.set("priority", `${plan.key}.${p.key}`, priorities[i].id));
  }

  for (const stream of part.streams ?? []) {
    const [row] = await insertRows(em, FundingStream, [
      {
        officeId,
        name: stream.name,
        source: stream.source,
        parentId: keys.optional("stream", stream.parent),
        ringFencedPurpose: stream.ringFencedPurpose ?? null,
        maxAwardPence: stream.maxAwardPence ?? null,
        oneOffOnly: stream.oneOffOnly ?? false,
        eligibleRecipientTypes: stream.eligibleRecipientTypes ?? [],
        funderReportingCadence: stream.funderReportingCadence ?? ReportingCadence.NONE,
      },
    ]);
    keys.set("stream", stream.key, row.id);
    await insertRows(
      em,
      FundingStreamYear,
      (stream.years ?? []).map((y) => ({
        streamId: row.id,
        year: y.year,
        amountPence: y.amountPence,
        variable: y.variable ?? false,
        note: y.note ?? null,
      })),
    );
  }

  for (const portfolio of part.portfolios ?? []) {
    const [row] = await insertRows(em, Portfolio, [
      { officeId, name: portfolio.name, leadName: portfolio.leadName, description: portfolio.description },
    ]);
    keys.set("portfolio", portfolio.key, row.id);
    await insertRows(
      em,
      PortfolioPriority,
      portfolio.priorities.map((p) => ({ portfolioId: row.id, priorityId: keys.get("priority", p) })),
    );
  }

  await insertRows(
    em,
    PortfolioAllocation,
    (part.allocations ?? []).map((a) => ({
      streamId: keys.get("stream", a.stream),
      portfolioId: keys.optional("portfolio", a.portfolio),
      kind: a.kind,
      year: a.year,
      label: a.label,
      amountPence: a.amountPence,
    })),
  );

  for (const c of part.contracts ?? []) {
    const [row] = await insertRows(em, Contract, [
      {
        officeId,
        portfolioId: keys.get("portfolio", c.portfolio),
        providerId: providers.get("provider", c.provider),
        reference: c.ref,
        title: c.title,
        description: c.description ?? null,
        mechanism: c.mechanism,
        stage: c.stage,
        status: c.status,
        startDate: c.startDate ?? null,
        endDate: c.endDate ?? null,
        annualValuePence: c.annualValuePence ?? null,
        mainPriorityId: keys.optional("priority", c.mainPriority),
        reviewWindow: c.reprocurement?.reviewWindow ?? null,
        reviewStartDate: parseReviewWindow(c.reprocurement?.reviewWindow)?.startDate ?? null,
        reviewEndDate: parseReviewWindow(c.reprocurement?.reviewWindow)?.endDate ?? null,
        reportingSchedule: c.reportingSchedule ?? defaultReportingSchedule(c.mechanism, seedValue(c)),
        plannedStartDate: c.reprocurement?.plannedStartDate ?? null,
        potentialValuePence: c.reprocurement?.potentialValuePence ?? null,
      },
    ]);
    keys.set("contract", c.ref, row.id);
    await insertRows(
      em,
      ContractPriority,
      (c.otherPriorities ?? []).map((p) => ({ contractId: row.id, priorityId: keys.get("priority", p) })),
    );
    await insertRows(
      em,
      CoCommissioner,
      (c.coCommissioners ?? []).map((p) => ({
        contractId: row.id,
        partnerName: p.partnerName,
        annualContributionPence: p.annualContributionPence ?? null,
      })),
    );
    await insertRows(
      em,
      FundingLine,
      (c.funding ?? []).map((f) => ({
        contractId: row.id,
        streamId: keys.get("stream", f.stream),
        year: f.year,
        amountPence: f.amountPence,
        status: f.status ?? FundingLineStatus.COMMITTED,
      })),
    );
  }

  const measures = await insertRows(
    em,
    Measure,
    (part.measures ?? []).map((m) => ({
      officeId,
      code: m.code,
      name: m.name,
      description: m.description ?? null,
      unit: m.unit,
      minValue: m.minValue ?? null,
      maxValue: m.maxValue ?? null,
    })),
  );
  measures.forEach((m) => keys.set("measure", m.code, m.id));

  for (const ind of part.indicators ?? []) {
    const isRatio = (ind.denominator ?? []).length > 0;
    const [row] = await insertRows(em, Indicator, [
      {
        officeId,
        code: ind.code,
        name: ind.name,
        factor: isRatio && ind.unit === MeasureUnit.PERCENT ? 100 : 1,
        unit: ind.unit,
        direction: ind.direction,
        amberTolerance: ind.amberTolerance,
      },
    ]);
    keys.set("indicator", ind.code, row.id);
    await insertRows(em, IndicatorMeasure, [
      ...ind.numerator.map((m) => ({ indicatorId: row.id, measureId: keys.get("measure", m), role: MeasureRole.NUMERATOR })),
      ...(ind.denominator ?? []).map((m) => ({ indicatorId: row.id, measureId: keys.get("measure", m), role: MeasureRole.DENOMINATOR })),
    ]);
  }

  await insertRows(
    em,
    ContractKpi,
    (part.contractKpis ?? []).flatMap((ck) =>
      ck.indicators.map((i) => ({ contractId: keys.get("contract", ck.contract), indicatorId: keys.get("indicator", i) })),
    ),
  );

  await insertRows(
    em,
    Target,
    (part.targets ?? []).map((t) => ({
      indicatorId: keys.get("indicator", t.indicator),
      contractId: keys.optional("contract", t.contract),
      portfolioId: keys.optional("portfolio", t.portfolio),
      year: t.year,
      quarter: t.quarter ?? null,
      value: t.value,
    })),
  );

  for (const q of part.keyPerformanceQuestions ?? []) {
    const [row] = await insertRows(em, KeyPerformanceQuestion, [{ priorityId: keys.get("priority", q.priority), question: q.question }]);
    await insertRows(
      em,
      KpqIndicator,
      q.indicators.map((i) => ({ questionId: row.id, indicatorId: keys.get("indicator", i) })),
    );
  }

  await insertRows(
    em,
    ProjectBrief,
    (part.briefs ?? []).map((b) => ({
      officeId,
      portfolioId: keys.optional("portfolio", b.portfolio),
      title: b.title,
      summary: b.summary,
      drivers: b.drivers,
      businessNeedScore: b.scores?.[0] ?? null,
      driversScore: b.scores?.[1] ?? null,
      deliverabilityScore: b.scores?.[2] ?? null,
      proposedValuePence: b.proposedValuePence ?? null,
      state: b.state,
      contractId: keys.optional("contract", b.contract),
    })),
  );
}

export { ReportingSchedule };
export { AllocationKind, BriefDriver, BriefState, ContractStatus, Direction, FundingLineStatus, FundingSource, LifecycleStage, Mechanism, MeasureUnit, PlanKind, ReportingCadence };
