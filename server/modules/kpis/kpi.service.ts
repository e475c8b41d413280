import { scorecardMayHaveChanged } from "../scorecards/scorecard-events.js";
import { QuarterChangeKind } from "../scorecards/quarter-change.entity.js";
import { noteChangeToFrozenQuarters, noteContractChangeToFrozenQuarters } from "../scorecards/quarter-changes.js";
import { In, IsNull, type EntityManager, type EntityTarget, type FindOptionsWhere } from "typeorm";
import { assertCanWriteOffice, canSee, officeToRead, requireUser } from "../../auth/access.js";
import type { Context } from "../../context.js";
import { createRecord, findVisible, updateRecord, type RecordKind } from "../../common/office-records.js";
import { updateVersioned } from "../../db/versioned.js";
import type { UnitOfWork } from "../../db/writer.js";
import { badInput, conflict, notFound, type FieldProblem } from "../../errors.js";
import { Contract } from "../contracts/contract.entities.js";
import { Office } from "../offices/office.entity.js";
import { Portfolio } from "../portfolios/portfolio.entities.js";
import { ContractKpi, Indicator, IndicatorMeasure, Measure, MeasureRole, MeasureUnit, Target } from "./kpi.entities.js";
import type { CreateIndicatorInput, CreateMeasureInput, SetTargetInput, TargetKeyInput, UpdateIndicatorInput, UpdateMeasureInput } from "./kpi.inputs.js";

/** Largest indicator set one contract can report; more would be a mistake, not a contract. */
const MAX_CONTRACT_KPIS = 100;

/** Problems for each of `ids` that is not a row of `officeId` (or does not exist: we do not say which). */
async function notOfOffice(
  manager: EntityManager,
  entity: EntityTarget<{ id: number; officeId: number }>,
  label: string,
  officeId: number,
  ids: readonly number[] | null | undefined,
  field: string,
): Promise<FieldProblem[]> {
  const unique = [...new Set(ids ?? [])];
  if (!unique.length) return [];
  const found = await manager.getRepository(entity).findBy({ id: In(unique) });
  const ours = new Set(found.filter((row) => row.officeId === officeId).map((row) => row.id));
  return unique.filter((id) => !ours.has(id)).map((id) => ({ field, rule: "sameOffice", message: `${label} ${id} is not one of this office's.` }));
}

/** Key Performance Questions link indicators too, under the same rule. */
export async function checkIndicatorsOfOffice(manager: EntityManager, officeId: number, ids: readonly number[] | null | undefined, field: string): Promise<void> {
  const problems = await notOfOffice(manager, Indicator, "Indicator", officeId, ids, field);
  if (problems.length) throw badInput("Indicators must be the office's own.", problems);
}

/**
 * Locks the row a set of dependent rows hangs off, so concurrent replacements of that set wait for each
 * other instead of both inserting. Only PostgreSQL needs it: SQLite's writer runs one change at a time.
 */
function lockRow<T extends { id: number }>(manager: EntityManager, entity: EntityTarget<T>, id: number): Promise<T | null> {
  const postgres = manager.connection.options.type === "postgres";
  return manager.getRepository(entity).findOne({ where: { id } as FindOptionsWhere<T>, ...(postgres ? { lock: { mode: "pessimistic_write" as const } } : {}) });
}

async function officeForNewRecord(ctx: Context, officeId: number | null | undefined): Promise<number> {
  const resolved = officeToRead(ctx, officeId);
  // Only administrators can name an office other than their own, so only they can name one that does not exist.
  if (!(await ctx.services.db.manager.existsBy(Office, { id: resolved }))) {
    throw badInput("Unknown office.", [{ field: "officeId", rule: "exists", message: `Office ${resolved} does not exist.` }]);
  }
  return resolved;
}

async function codeProblems(manager: EntityManager, entity: EntityTarget<{ id: number; officeId: number; code: string }>, row: { id?: number; officeId: number; code: string }): Promise<FieldProblem[]> {
  const clash = await manager.getRepository(entity).findOneBy({ officeId: row.officeId, code: row.code });
  return clash && clash.id !== row.id ? [{ field: "code", rule: "unique", message: `Another in this office has the code ${row.code}.` }] : [];
}

// ── Measures ──────────────────────────────────────────────────────────────────

function boundProblems(measure: Measure): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (measure.minValue != null && measure.maxValue != null && measure.minValue > measure.maxValue) {
    problems.push({ field: "maxValue", rule: "notBelowMin", message: "maxValue must not be below minValue." });
  }
  if (measure.unit === MeasureUnit.PERCENT) {
    for (const field of ["minValue", "maxValue"] as const) {
      const value = measure[field];
      if (value != null && (value < 0 || value > 100)) problems.push({ field, rule: "percent", message: `${field} of a percentage must be between 0 and 100.` });
    }
  }
  return problems;
}

export const MeasureRecord: RecordKind<Measure> = {
  entity: Measure,
  label: "Measure",
  officeOf: (measure) => measure.officeId,
  check: async (measure, uow) => {
    const problems = [...boundProblems(measure), ...(await codeProblems(uow.manager, Measure, measure))];
    if (problems.length) throw badInput("The measure cannot be saved as it is.", problems);
  },
};

export function listMeasures(ctx: Context, officeId: number | null | undefined): Promise<Measure[]> {
  return ctx.services.db.manager.find(Measure, { where: { officeId: officeToRead(ctx, officeId) }, order: { code: "ASC" } });
}

export async function createMeasure(ctx: Context, input: CreateMeasureInput): Promise<Measure> {
  const officeId = await officeForNewRecord(ctx, input.officeId);
  return createRecord(ctx, MeasureRecord, {
    officeId,
    code: input.code,
    name: input.name,
    description: input.description ?? null,
    unit: input.unit,
    minValue: input.minValue ?? null,
    maxValue: input.maxValue ?? null,
  });
}

export function updateMeasure(ctx: Context, id: number, version: number, input: UpdateMeasureInput): Promise<Measure> {
  return updateRecord(ctx, MeasureRecord, id, version, {
    code: input.code ?? undefined,
    name: input.name ?? undefined,
    description: input.description,
    unit: input.unit ?? undefined,
    minValue: input.minValue,
    maxValue: input.maxValue,
  });
}

// ── Indicators ────────────────────────────────────────────────────────────────

interface MeasureLists {
  numeratorMeasureIds?: number[] | null;
  denominatorMeasureIds?: number[] | null;
}

const indicatorKind = (lists: MeasureLists): RecordKind<Indicator> => ({
  entity: Indicator,
  label: "Indicator",
  officeOf: (indicator) => indicator.officeId,
  check: async (indicator, uow) => {
    const { manager } = uow;
    const problems = [
      ...(await codeProblems(manager, Indicator, indicator)),
      ...(await notOfOffice(manager, Measure, "Measure", indicator.officeId, lists.numeratorMeasureIds, "numeratorMeasureIds")),
      ...(await notOfOffice(manager, Measure, "Measure", indicator.officeId, lists.denominatorMeasureIds, "denominatorMeasureIds")),
    ];
    if (problems.length) throw badInput("The indicator cannot be saved as it is.", problems);
  },
});

export const IndicatorRecord: RecordKind<Indicator> = { entity: Indicator, label: "Indicator", officeOf: (indicator) => indicator.officeId };

/** Replaces the lists given. The links are not columns of the indicator, so they get their own audit row. */
async function replaceMeasures(uow: UnitOfWork, indicator: Indicator, lists: MeasureLists): Promise<void> {
  const { manager } = uow;
  const current = await manager.findBy(IndicatorMeasure, { indicatorId: indicator.id });
  const view = (links: { measureId: number; role: MeasureRole }[]) => ({
    numeratorMeasureIds: links.filter((l) => l.role === MeasureRole.NUMERATOR).map((l) => l.measureId).sort((a, b) => a - b),
    denominatorMeasureIds: links.filter((l) => l.role === MeasureRole.DENOMINATOR).map((l) => l.measureId).sort((a, b) => a - b),
  });
  const before = view(current);
  const next = [
    ...[...new Set(lists.numeratorMeasureIds ?? before.numeratorMeasureIds)].map((measureId) => ({ measureId, role: MeasureRole.NUMERATOR })),
    ...[...new Set(lists.denominatorMeasureIds ?? before.denominatorMeasureIds)].map((measureId) => ({ measureId, role: MeasureRole.DENOMINATOR })),
  ];
  const after = view(next);
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  await manager.delete(IndicatorMeasure, { indicatorId: indicator.id });
  if (next.length) await manager.insert(IndicatorMeasure, next.map((l) => ({ ...l, indicatorId: indicator.id })));
  await uow.audit("indicator.measures", { type: "Indicator", id: indicator.id, officeId: indicator.officeId }, before, after);
}

export function listIndicators(ctx: Context, officeId: number | null | undefined): Promise<Indicator[]> {
  return ctx.services.db.manager.find(Indicator, { where: { officeId: officeToRead(ctx, officeId) }, order: { code: "ASC" } });
}

export function findIndicator(ctx: Context, id: number): Promise<Indicator> {
  return findVisible(ctx, IndicatorRecord, id);
}

export async function createIndicator(ctx: Context, input: CreateIndicatorInput): Promise<Indicator> {
  const officeId = await officeForNewRecord(ctx, input.officeId);
  const isRatio = (input.denominatorMeasureIds ?? []).length > 0;
  const lists: MeasureLists = { numeratorMeasureIds: input.numeratorMeasureIds, denominatorMeasureIds: input.denominatorMeasureIds ?? [] };
  return createRecord(
    ctx,
    indicatorKind(lists),
    {
      officeId,
      code: input.code,
      name: input.name,
      factor: input.factor ?? (isRatio && input.unit === MeasureUnit.PERCENT ? 100 : 1),
      unit: input.unit,
      direction: input.direction,
      amberTolerance: input.amberTolerance ?? 0,
    },
    (indicator, uow) => replaceMeasures(uow, indicator, lists),
  );
}

export function updateIndicator(ctx: Context, id: number, version: number, input: UpdateIndicatorInput): Promise<Indicator> {
  const lists: MeasureLists = { numeratorMeasureIds: input.numeratorMeasureIds, denominatorMeasureIds: input.denominatorMeasureIds };
  return updateRecord(
    ctx,
    indicatorKind(lists),
    id,
    version,
    {
      code: input.code ?? undefined,
      name: input.name ?? undefined,
      factor: input.factor ?? undefined,
      unit: input.unit ?? undefined,
      direction: input.direction ?? undefined,
      amberTolerance: input.amberTolerance ?? undefined,
    },
    (indicator, uow) => replaceMeasures(uow, indicator, lists),
  );
}

// ── Contract KPIs and targets ─────────────────────────────────────────────────

/**
 * Makes the contract report exactly these indicators. Links kept keep their ids; targets of an indicator
 * dropped are kept too, so adding it back restores them.
 */
export async function setContractKpis(ctx: Context, contractId: number, indicatorIds: number[], version: number, reason?: string | null): Promise<ContractKpi[]> {
  const user = requireUser(ctx);
  const wanted = [...new Set(indicatorIds)];
  if (wanted.length > MAX_CONTRACT_KPIS) throw badInput("Too many indicators.", [{ field: "indicatorIds", rule: "maxSize", message: `At most ${MAX_CONTRACT_KPIS}.` }]);
  return ctx.services.writer.run(user, async (uow) => {
    const { manager } = uow;
    const contract = await lockRow(manager, Contract, contractId);
    if (!contract || !canSee(user, contract)) throw notFound("Contract", contractId);
    assertCanWriteOffice(ctx, contract.officeId);
    if (contract.version !== version) throw conflict(`Contract ${contract.id} has changed since you loaded it (version ${contract.version}, you had ${version}). Reload and try again.`);
    await checkIndicatorsOfOffice(manager, contract.officeId, wanted, "indicatorIds");
    const current = await manager.find(ContractKpi, { where: { contractId }, order: { id: "ASC" } });
    const had = current.map((k) => k.indicatorId);
    const dropped = current.filter((k) => !wanted.includes(k.indicatorId));
    const added = wanted.filter((id) => !had.includes(id));
    if (dropped.length) await manager.delete(ContractKpi, { id: In(dropped.map((k) => k.id)) });
    if (added.length) await manager.insert(ContractKpi, added.map((indicatorId) => ({ contractId, indicatorId })));
    if (dropped.length || added.length) {
      // The contract's figures in a frozen quarter follow its KPIs: a change there needs a reason, noted as the cause.
      await noteContractChangeToFrozenQuarters(uow, contract, [contract.portfolioId], reason);
      await updateVersioned(uow, Contract, contract, version, { version: version + 1 } as Partial<Contract>, "Contract");
      const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
      await uow.audit("contract.kpis", { type: "Contract", id: contractId, officeId: contract.officeId }, { indicatorIds: sorted(had) }, { indicatorIds: sorted(wanted) });
    }
    return manager.find(ContractKpi, { where: { contractId }, order: { id: "ASC" } });
  });
}

/** The contract or portfolio a target is for: it must be of the indicator's office. */
async function checkTargetScope(manager: EntityManager, indicator: Indicator, input: SetTargetInput): Promise<void> {
  if (input.contractId != null) {
    const contract = await manager.findOneBy(Contract, { id: input.contractId });
    if (contract?.officeId !== indicator.officeId) throw badInput("Unknown contract.", [{ field: "contractId", rule: "sameOffice", message: `Contract ${input.contractId} is not one of this office's.` }]);
    // A target for an indicator the contract does not report could never be met, nor seen on the contract.
    if (!(await manager.existsBy(ContractKpi, { contractId: input.contractId, indicatorId: indicator.id }))) {
      throw badInput("The contract does not report that indicator.", [{ field: "indicatorId", rule: "contractKpi", message: "Add the indicator to the contract's KPIs first." }]);
    }
  } else {
    const portfolio = await manager.findOneBy(Portfolio, { id: input.portfolioId! });
    if (portfolio?.officeId !== indicator.officeId) throw badInput("Unknown portfolio.", [{ field: "portfolioId", rule: "sameOffice", message: `Portfolio ${input.portfolioId} is not one of this office's.` }]);
  }
}

function assertOneScope(input: { contractId?: number | null; portfolioId?: number | null }): void {
  if ((input.contractId == null) === (input.portfolioId == null)) {
    const message = "Give exactly one of contractId and portfolioId.";
    throw badInput("A target is for one contract or one portfolio.", [
      { field: "contractId", rule: "exactlyOne", message },
      { field: "portfolioId", rule: "exactlyOne", message },
    ]);
  }
}

function findTargetByKey(manager: EntityManager, indicatorId: number, input: TargetKeyInput): Promise<Target | null> {
  return manager.findOneBy(Target, {
    indicatorId,
    year: input.year,
    contractId: input.contractId ?? IsNull(),
    portfolioId: input.portfolioId ?? IsNull(),
    quarter: input.quarter ?? IsNull(),
  });
}

/** The target for (indicator, contract or portfolio, year, quarter) if one is set: its version is what setTarget takes. */
export async function findTarget(ctx: Context, input: TargetKeyInput): Promise<Target | null> {
  const user = requireUser(ctx);
  assertOneScope(input);
  const indicator = await ctx.services.db.manager.findOneBy(Indicator, { id: input.indicatorId });
  if (!indicator || !canSee(user, indicator)) throw notFound("Indicator", input.indicatorId);
  return findTargetByKey(ctx.services.db.manager, indicator.id, input);
}

/**
 * Creates the target for (indicator, contract or portfolio, year, quarter), or changes its value. Like every edit
 * of a shared record it carries the version it was based on: none to create, the target's to change it.
 */
export async function setTarget(ctx: Context, input: SetTargetInput): Promise<Target> {
  const user = requireUser(ctx);
  assertOneScope(input);
  return ctx.services.writer.run(user, async (uow) => {
    const { manager } = uow;
    // Locked because the table has no unique key to stop two writers inserting the same target.
    const indicator = await lockRow(manager, Indicator, input.indicatorId);
    if (!indicator || !canSee(user, indicator)) throw badInput("Unknown indicator.", [{ field: "indicatorId", rule: "exists", message: `Indicator ${input.indicatorId} does not exist.` }]);
    assertCanWriteOffice(ctx, indicator.officeId);
    await checkTargetScope(manager, indicator, input);
    const key = {
      indicatorId: indicator.id,
      contractId: input.contractId ?? null,
      portfolioId: input.portfolioId ?? null,
      year: input.year,
      quarter: input.quarter ?? null,
    };
    const scope = { type: "Target", officeId: indicator.officeId };
    const existing = await findTargetByKey(manager, indicator.id, input);
    const portfolioId = key.portfolioId ?? (await manager.findOneByOrFail(Contract, { id: key.contractId! })).portfolioId;
    const announce = async () => {
      await noteChangeToFrozenQuarters(uow, [key.year], key.quarter, { officeId: indicator.officeId, kind: QuarterChangeKind.TARGET_CHANGED, portfolioId, indicatorId: indicator.id, contractId: key.contractId, reason: input.reason });
      return scorecardMayHaveChanged(uow, indicator.officeId, { portfolioId, year: key.year, quarter: key.quarter, reason: "TARGET_CHANGED" });
    };
    if (!existing) {
      if (input.version != null) throw conflict("That target no longer exists as you loaded it. Reload and try again.");
      const created = await manager.save(manager.create(Target, { ...key, value: input.value }));
      await uow.audit("target.create", { ...scope, id: created.id }, null, created);
      await announce();
      return created;
    }
    if (input.version == null) throw conflict(`A target is already set here (version ${existing.version}): send its version to change it. Reload and try again.`);
    if (existing.version !== input.version) throw conflict(`Target ${existing.id} has changed since you loaded it (version ${existing.version}, you had ${input.version}). Reload and try again.`);
    if (existing.value === input.value) return existing;
    const updated = await updateVersioned(uow, Target, existing, input.version, { value: input.value }, "Target");
    await uow.audit("target.update", { ...scope, id: existing.id }, existing, updated);
    await announce();
    return updated;
  });
}

/** A contract's targets for one indicator: annual before quarterly within a year. */
export function targetsInOrder(targets: Target[]): Target[] {
  return [...targets].sort((a, b) => a.year.localeCompare(b.year) || (a.quarter ?? 0) - (b.quarter ?? 0) || a.id - b.id);
}
