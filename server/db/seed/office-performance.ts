import type { EntityManager } from "typeorm";
import { Contract } from "../../modules/contracts/contract.entities.js";
import { isReturnDue } from "../../modules/contracts/reporting-schedule.js";
import { moneySummary } from "../../modules/money/money.service.js";
import { defaultDueDate, quarterDates, type Quarter } from "../../modules/periods/financial-year.js";
import { PeriodState, ReportingPeriod } from "../../modules/periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnRevision, ReturnState, ReturnValue, type RevisionValue } from "../../modules/returns/return.entities.js";
import { QuarterChange, QuarterChangeKind } from "../../modules/scorecards/quarter-change.entity.js";
import { QuarterSnapshot } from "../../modules/scorecards/quarter-snapshot.entity.js";
import { computeScorecards } from "../../modules/scorecards/scorecard.service.js";
import { DEMO_DUE_DATE_NOTE } from "./demo-clock.js";
import { between, dayOffset, insertRows, seededRandom, type KeyRegistry } from "./seed-kit.js";

/*
 * Illustrative quarterly returns for any office (Dorset, Durham, and Wiltshire's frozen 2022-23 Q4): every figure
 * here is made up, deterministic (seeded by contract and quarter) and obeys the return rules (whole, non-negative
 * counts; no numerator above its denominator). Only quarters the contract's reporting schedule asks for get a
 * return (isReturnDue), so the demo shows proportionate monitoring as it would run.
 */

export interface PerformanceContract {
  contract: string;
  /** Provider key: its reporting account (provider:<key>) submits the returns. */
  provider: string;
  /** indicator code → target (a percentage for the year, or a count per quarter). */
  targets: Record<string, number>;
  /** Typical quarterly count for each counted measure. */
  volumes: Record<string, number>;
  /** For each share measure: its rate in the first quarter and the last. */
  rates?: Record<string, [number, number]>;
}

export interface PeriodPlan extends Quarter {
  state: PeriodState;
  /** Overrides the default due date (one month after the quarter ends). */
  dueDate?: string;
}

export interface PerformancePlan {
  officeId: number;
  keys: KeyRegistry;
  users: KeyRegistry;
  officerKey: string;
  periods: PeriodPlan[];
  contracts: PerformanceContract[];
  /** Share measure → the measure it is a share of (numerator ≤ denominator). */
  shareOf: Record<string, string>;
  /** Seeds the generator, so two offices' figures differ. */
  seed: string;
}

const label = (p: Quarter) => `${p.year} Q${p.quarter}`;

/** Inserts the periods and one accepted return per due contract and closed quarter. Returns the periods' ids by label. */
export async function seedOfficePerformance(em: EntityManager, plan: PerformancePlan): Promise<Map<string, number>> {
  const periods = await insertRows(
    em,
    ReportingPeriod,
    plan.periods.map((p) => {
      const { start, end } = quarterDates(p);
      const closed = p.state !== PeriodState.OPEN;
      return {
        officeId: plan.officeId,
        year: p.year,
        quarter: p.quarter,
        startDate: start,
        endDate: end,
        dueDate: p.dueDate ?? defaultDueDate(p),
        dueDateNote: p.dueDate ? DEMO_DUE_DATE_NOTE : null,
        state: p.state === PeriodState.FROZEN ? PeriodState.CLOSED : p.state, // frozen by freezeSeededPeriod, after its returns exist
        closedAt: closed ? dayOffset(defaultDueDate(p), 31, 17) : null,
        frozenAt: null,
      };
    }),
  );
  const officer = plan.users.get("user", plan.officerKey);
  const contractRows = new Map((await em.findBy(Contract, { officeId: plan.officeId })).map((c) => [c.reference, c]));

  // Built first and inserted in three batches (returns, then their values and revisions): the seed runs on every
  // test database, so it should cost a few statements, not a few per return.
  const pending: { row: Partial<PerformanceReturn>; values: Map<string, number>; revision: Partial<ReturnRevision> }[] = [];
  for (const pc of plan.contracts) {
    const contract = contractRows.get(pc.contract)!;
    const submitter = plan.users.get("user", `provider:${pc.provider}`);
    for (const [index, period] of plan.periods.entries()) {
      if (period.state === PeriodState.OPEN) continue;
      if (!isReturnDue(contract, period)) continue;
      const random = seededRandom(`${plan.seed}|${pc.contract}|${label(period)}`);
      const progress = plan.periods.length > 1 ? index / (plan.periods.length - 1) : 0;
      const values = new Map<string, number>();
      for (const [code, volume] of Object.entries(pc.volumes)) values.set(code, Math.max(0, Math.round(volume * between(random, 0.88, 1.12))));
      for (const [code, [first, last]] of Object.entries(pc.rates ?? {})) {
        const rate = Math.min(1, Math.max(0, first + (last - first) * progress + between(random, -0.03, 0.03)));
        values.set(code, Math.round(values.get(plan.shareOf[code])! * rate));
      }
      const due = period.dueDate ?? defaultDueDate(period);
      const late = random() < 0.15;
      const submittedAt = dayOffset(due, late ? Math.round(between(random, 2, 9)) : -Math.round(between(random, 1, 15)));
      const acceptedAt = new Date(submittedAt.getTime() + Math.round(between(random, 2, 6)) * 86_400_000);
      const narrative = { achievements: "Delivered as agreed in the quarter (illustrative).", challenges: null, caseStudy: null, emergingRisks: null, spendPence: null };
      const asRevision: RevisionValue[] = [...values].map(([code, value]) => ({ measureId: plan.keys.get("measure", code), value, comment: null }));
      pending.push({
        values,
        row: {
          contractId: contract.id,
          periodId: periods[index].id,
          state: ReturnState.ACCEPTED,
          revisionCount: 1,
          late,
          achievements: narrative.achievements,
          challenges: null,
          caseStudy: null,
          emergingRisks: null,
          spendPence: null,
          reviewReason: null,
          submittedAt,
          acceptedAt,
          acceptedById: officer,
        },
        revision: { number: 1, values: asRevision, narrative, submittedById: submitter, submittedAt, late, outcome: ReturnState.ACCEPTED, reviewedById: officer, reviewedAt: acceptedAt, reviewReason: null, measureComments: null },
      });
    }
  }
  const rows = await insertRows(em, PerformanceReturn, pending.map((p) => p.row));
  await insertRows(
    em,
    ReturnValue,
    pending.flatMap((p, i) => [...p.values].map(([code, value]) => ({ returnId: rows[i].id, measureId: plan.keys.get("measure", code), value, comment: null }))),
  );
  await insertRows(em, ReturnRevision, pending.map((p, i) => ({ ...p.revision, returnId: rows[i].id })));
  return new Map(periods.map((p) => [label(p as Quarter), p.id]));
}

/** Freezes a seeded closed quarter as `freezePeriod` would: the scorecards and money as they stand, kept for the Panel. */
export async function freezeSeededPeriod(em: EntityManager, periodId: number, frozenById: number, frozenAt: Date): Promise<void> {
  const period = await em.findOneByOrFail(ReportingPeriod, { id: periodId });
  const { scorecards } = await computeScorecards(em, { officeId: period.officeId, periodIds: [period.id], includeSubmitted: false });
  const money = await moneySummary(em, period.officeId, period.year);
  await em.update(ReportingPeriod, { id: periodId }, { state: PeriodState.FROZEN, frozenAt });
  await insertRows(em, QuarterSnapshot, [{ periodId, frozenAt, frozenById, payload: { scorecards, money } }]);
}

/**
 * A correction accepted after the freeze (illustrative): the provider found it had counted cases carried over,
 * sent a second revision with the figure corrected, and the officer accepted it. The frozen snapshot keeps the
 * old figure; the difference shows as a restatement.
 */
export async function correctAfterFreeze(
  em: EntityManager,
  at: { returnId: number; measureId: number; value: number; submittedById: number; acceptedById: number; when: Date; reason: string },
): Promise<void> {
  const ret = await em.findOneByOrFail(PerformanceReturn, { id: at.returnId });
  const [first] = await em.findBy(ReturnRevision, { returnId: at.returnId, number: 1 });
  const values = first.values.map((v) => (v.measureId === at.measureId ? { ...v, value: at.value, comment: at.reason } : v));
  const acceptedAt = new Date(at.when.getTime() + 2 * 86_400_000);
  await insertRows(em, ReturnRevision, [
    { returnId: ret.id, number: 2, values, narrative: first.narrative, submittedById: at.submittedById, submittedAt: at.when, late: true, outcome: ReturnState.ACCEPTED, reviewedById: at.acceptedById, reviewedAt: acceptedAt, reviewReason: at.reason, measureComments: null },
  ]);
  await em.update(ReturnValue, { returnId: ret.id, measureId: at.measureId }, { value: at.value, comment: at.reason });
  await em.update(PerformanceReturn, { id: ret.id }, { revisionCount: 2, submittedAt: at.when, acceptedAt, acceptedById: at.acceptedById });
  // The causes, as the product records them (returns' reopen and accept): who, when and why, per frozen quarter.
  const contract = await em.findOneByOrFail(Contract, { id: ret.contractId });
  const cause = { officeId: contract.officeId, periodId: ret.periodId, portfolioId: contract.portfolioId, indicatorId: null, contractId: contract.id, returnId: ret.id, reason: at.reason, userId: at.acceptedById };
  await insertRows(em, QuarterChange, [
    { ...cause, kind: QuarterChangeKind.RETURN_REOPENED, at: new Date(at.when.getTime() - 86_400_000) },
    { ...cause, kind: QuarterChangeKind.RETURN_CORRECTED, at: acceptedAt },
  ]);
}
