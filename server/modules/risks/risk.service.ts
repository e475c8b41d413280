import { Not } from "typeorm";
import { assertCanWriteOffice, canSee, officeToRead, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, updateRecord, type RecordKind } from "../../common/office-records.js";
import { loadForUpdate, updateVersioned } from "../../db/versioned.js";
import { badInput, conflict, notFound, type FieldProblem } from "../../errors.js";
import { isQuarterLabel, parseQuarter, quarterDates, quarterIndex, quarterLabel, type Quarter } from "../periods/financial-year.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { Risk, RiskReview, RiskStatus } from "./risk.entities.js";
import { RISK_SCALE, type CreateRiskInput, type RiskReviewInput, type UpdateRiskInput } from "./risk.inputs.js";

export const RiskRecord: RecordKind<Risk> = {
  entity: Risk,
  label: "Risk",
  officeOf: (risk) => risk.officeId,
  async check(risk, uow) {
    if (risk.portfolioId == null) return;
    const portfolio = await uow.manager.findOneBy(Portfolio, { id: risk.portfolioId });
    // One answer for "no such portfolio" and "another office's": we do not confirm other offices' ids.
    if (portfolio?.officeId !== risk.officeId) throw badInput("A risk can only sit in a portfolio of its own office.", [{ field: "portfolioId", rule: "sameOffice", message: `Portfolio ${risk.portfolioId} is not one of this office's.` }]);
  },
};

/** Fields an update may change but not clear: their columns are NOT NULL. */
const NOT_CLEARABLE = ["title", "likelihood", "impact", "ownerName", "status", "escalated"] as const;

/** The fields an update sets to null although the record cannot be without them. */
export function clearedRequiredFields(input: Partial<Record<(typeof NOT_CLEARABLE)[number], unknown>>): FieldProblem[] {
  return NOT_CLEARABLE.filter((field) => input[field] === null).map((field) => ({ field, rule: "required", message: `${field} cannot be cleared.` }));
}

/**
 * Likelihood and impact must sit on the 1–5 grid, or the risk falls off the heat map. The inputs' validators
 * say the same at the API; this guards every other caller of the service.
 */
export function assessmentProblems(assessment: { likelihood?: number | null; impact?: number | null }): FieldProblem[] {
  return (["likelihood", "impact"] as const).flatMap((field) => {
    const value = assessment[field];
    if (value == null || (Number.isInteger(value) && value >= RISK_SCALE.min && value <= RISK_SCALE.max)) return [];
    return [{ field, rule: "range", message: `${field} must be a whole number from ${RISK_SCALE.min} to ${RISK_SCALE.max}.` }];
  });
}

function assertAssessment(assessment: { likelihood?: number | null; impact?: number | null }): void {
  const problems = assessmentProblems(assessment);
  if (problems.length) throw badInput("Likelihood and impact are scored 1 to 5.", problems);
}

export async function createRisk(ctx: Context, input: CreateRiskInput): Promise<Risk> {
  const user = requireUser(ctx);
  assertAssessment(input);
  let officeId = input.officeId ?? user.officeId;
  // Administrators have no home office: a portfolio is enough to say which office they mean.
  if (officeId == null && input.portfolioId != null) officeId = (await ctx.services.db.manager.findOneBy(Portfolio, { id: input.portfolioId }))?.officeId ?? null;
  if (officeId == null) throw badInput("Say which office the risk belongs to.", [{ field: "officeId", rule: "required", message: "officeId is required for a user without a home office." }]);
  const { officeId: _office, ...columns } = input;
  return createRecord(ctx, RiskRecord, {
    ...columns,
    officeId,
    portfolioId: input.portfolioId ?? null,
    description: input.description ?? null,
    mitigation: input.mitigation ?? null,
    status: input.status ?? RiskStatus.OPEN,
    escalated: input.escalated ?? false,
  });
}

export function updateRisk(ctx: Context, id: number, version: number, input: UpdateRiskInput): Promise<Risk> {
  const cleared = clearedRequiredFields(input);
  if (cleared.length) throw badInput("Some fields cannot be cleared.", cleared);
  assertAssessment(input);
  return updateRecord(ctx, RiskRecord, id, version, { ...input } as Partial<Risk>);
}

/** Why a review of `quarter` cannot be recorded, given the risk's earlier reviews and today's date. */
export function reviewQuarterProblems(quarter: Quarter, earlier: readonly Quarter[], today: string): FieldProblem[] {
  const label = quarterLabel(quarter);
  if (quarterDates(quarter).start > today) return [{ field: "quarter", rule: "started", message: `${label} has not started yet.` }];
  // The risk's current figures are its latest review's; a back-dated review would silently overwrite them.
  const latest = earlier.reduce<Quarter | null>((best, q) => (best == null || quarterIndex(q) > quarterIndex(best) ? q : best), null);
  if (latest && quarterIndex(quarter) < quarterIndex(latest)) return [{ field: "quarter", rule: "afterLatestReview", message: `The latest review is for ${quarterLabel(latest)}; ${label} is earlier.` }];
  return [];
}

/**
 * Records one quarter's review and makes it the risk's current assessment, in one transaction, so the
 * register and its history never disagree. One review per quarter: a second is a CONFLICT.
 */
export function reviewRisk(ctx: Context, id: number, version: number, input: RiskReviewInput, today = new Date().toISOString().slice(0, 10)): Promise<Risk> {
  const user = requireUser(ctx);
  if (!isQuarterLabel(input.quarter)) throw badInput("Not a quarter.", [{ field: "quarter", rule: "isQuarterLabel", message: 'quarter must be a quarter such as "2023-24 Q2"' }]);
  assertAssessment(input);
  const quarter = parseQuarter(input.quarter);
  return ctx.services.writer.run(user, async (uow) => {
    const risk = await loadForUpdate(uow, Risk, id, "Risk");
    if (!canSee(user, risk)) throw notFound("Risk", id);
    assertCanWriteOffice(ctx, risk.officeId);
    if (risk.version !== version) throw conflict(`Risk ${id} has changed since you loaded it (version ${risk.version}, you had ${version}). Reload and try again.`);
    const earlier = await uow.manager.findBy(RiskReview, { riskId: id });
    if (earlier.some((r) => r.year === quarter.year && r.quarter === quarter.quarter)) throw conflict(`Risk ${id} was already reviewed for ${input.quarter}.`);
    const problems = reviewQuarterProblems(quarter, earlier.map((r) => ({ year: r.year, quarter: r.quarter as Quarter["quarter"] })), today);
    if (problems.length) throw badInput("That quarter cannot be reviewed now.", problems);
    // The version-guarded update also serialises two reviews racing on PostgreSQL: the loser finds the version moved.
    const updated = await updateVersioned(uow, Risk, risk, version, { likelihood: input.likelihood, impact: input.impact, status: input.status }, "Risk");
    const review = await uow.manager.save(
      RiskReview,
      uow.manager.create(RiskReview, {
        riskId: id,
        year: quarter.year,
        quarter: quarter.quarter,
        likelihood: input.likelihood,
        impact: input.impact,
        status: input.status,
        note: input.note ?? null,
        reviewedById: user.id,
        reviewedAt: new Date(),
      }),
    );
    await uow.audit("risk.review", { type: "Risk", id, officeId: risk.officeId }, risk, { ...updated, review });
    return updated;
  });
}

export interface HeatMapCell {
  likelihood: number;
  impact: number;
  count: number;
  riskIds: number[];
}

export interface HeatMap {
  cells: HeatMapCell[];
  total: number;
  escalated: number;
}

/** Every cell of the likelihood × impact grid (1–5 each, likelihood then impact ascending), empty ones included. */
export function heatMap(risks: readonly Pick<Risk, "id" | "likelihood" | "impact" | "escalated">[]): HeatMap {
  const cells: HeatMapCell[] = [];
  for (let likelihood = RISK_SCALE.min; likelihood <= RISK_SCALE.max; likelihood++) {
    for (let impact = RISK_SCALE.min; impact <= RISK_SCALE.max; impact++) {
      const ids = risks.filter((r) => r.likelihood === likelihood && r.impact === impact).map((r) => r.id).sort((a, b) => a - b);
      cells.push({ likelihood, impact, count: ids.length, riskIds: ids });
    }
  }
  return { cells, total: risks.length, escalated: risks.filter((r) => r.escalated).length };
}

/** The office's open risks on the grid (all but CLOSED), or only those of one status. */
export async function riskHeatMap(ctx: Context, officeId: number | null | undefined, status: RiskStatus | null | undefined): Promise<HeatMap & { officeId: number }> {
  const office = officeToRead(ctx, officeId);
  const risks = await ctx.services.db.manager.find(Risk, {
    select: { id: true, likelihood: true, impact: true, escalated: true },
    where: { officeId: office, status: status ?? Not(RiskStatus.CLOSED) },
  });
  return { officeId: office, ...heatMap(risks) };
}
