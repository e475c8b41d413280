import { In, type EntityManager, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from "typeorm";
import { ContractKpi, Indicator, IndicatorMeasure, Measure, MeasureRole } from "../kpis/kpi.entities.js";
import type { Context } from "../../context.js";
import { chunks, placeholders, tableName, together } from "../../db/bulk.js";
import { selectPlain } from "../../db/loaders.js";
import type { ReturnForm } from "./return.rules.js";

/** Keys per IN list: well inside SQLite's and PostgreSQL's limits on bound parameters. */
export const CHUNK = 500;

/** Rows whose column is one of many keys, a chunk of keys per statement. */
export async function findIn<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, column: keyof T & string, keys: readonly number[], where: FindOptionsWhere<T> = {}): Promise<T[]> {
  const rows: T[] = [];
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    rows.push(...(await manager.findBy(entity, { ...where, [column]: In(unique.slice(i, i + CHUNK)) } as FindOptionsWhere<T>)));
  }
  return rows;
}

/**
 * The rows behind some contracts' forms. Up to one chunk of contracts, the four reads go together (the links,
 * indicators and measures found by subquery from the contract ids): one wait instead of three in a row, which
 * counts inside a write transaction (a review). More contracts: chunked reads, one table after another.
 */
async function formRows(manager: EntityManager, contractIds: readonly number[]): Promise<{ kpis: { contractId: number; indicatorId: number }[]; links: IndicatorMeasure[]; indicators: Indicator[]; measureRows: Measure[] }> {
  const unique = [...new Set(contractIds)];
  if (unique.length && unique.length <= CHUNK) {
    // Plain reads (server/db/loaders.ts): inside a review's transaction TypeORM's statement building is most of their cost.
    const ofKpis = (p: ReturnType<typeof placeholders>) => `SELECT k."indicatorId" FROM ${tableName(manager, "contract_kpi")} k WHERE k."contractId" IN (${p.list(unique)})`;
    const plain = <T extends ObjectLiteral>(entity: EntityTarget<T>, where: (p: ReturnType<typeof placeholders>) => string) => async () => {
      const p = placeholders(manager);
      const rows = await selectPlain<T>(manager, entity, where(p), p.values);
      // The four are plain entities; one given eager relations or the like would need TypeORM's own read here.
      if (!rows) throw new Error(`${manager.connection.getMetadata(entity).name} is not a plain entity: read it through TypeORM in formRows.`);
      return rows;
    };
    const [kpis, links, indicators, measureRows] = await together(manager, [
      plain(ContractKpi, (p) => `"contractId" IN (${p.list(unique)})`),
      plain(IndicatorMeasure, (p) => `"indicatorId" IN (${ofKpis(p)})`),
      plain(Indicator, (p) => `id IN (${ofKpis(p)})`),
      plain(Measure, (p) => `id IN (SELECT l."measureId" FROM ${tableName(manager, "indicator_measure")} l WHERE l."indicatorId" IN (${ofKpis(p)}))`),
    ] as const);
    return { kpis, links, indicators, measureRows };
  }
  // A bulk upload names thousands of contracts: their KPIs as plain rows, not entities.
  const kpis: { contractId: number; indicatorId: number }[] = [];
  for (const chunk of chunks(unique, CHUNK)) {
    const p = placeholders(manager);
    const rows: { contractId: unknown; indicatorId: unknown }[] = await manager.query(`SELECT "contractId", "indicatorId" FROM ${tableName(manager, "contract_kpi")} WHERE "contractId" IN (${p.list(chunk)})`, p.values);
    for (const r of rows) kpis.push({ contractId: Number(r.contractId), indicatorId: Number(r.indicatorId) });
  }
  const indicatorIds = [...new Set(kpis.map((k) => k.indicatorId))];
  const [links, indicators] = await Promise.all([findIn(manager, IndicatorMeasure, "indicatorId", indicatorIds), findIn(manager, Indicator, "id", indicatorIds)]);
  const measureRows = await findIn(manager, Measure, "id", links.map((l) => l.measureId));
  return { kpis, links, indicators, measureRows };
}

/**
 * The forms of many contracts in a fixed number of statements: the measures behind each contract's KPIs, and their
 * ratios. Contracts with the same KPIs share one form object (read-only), so building n forms is linear in the rows.
 */
export async function loadForms(manager: EntityManager, contractIds: readonly number[]): Promise<Map<number, ReturnForm>> {
  const { kpis, links, indicators, measureRows } = await formRows(manager, contractIds);
  const measures = new Map(measureRows.map((m) => [m.id, m]));
  // Grouped once, so building n forms is linear in the rows rather than n × all KPIs.
  const kpisByContract = new Map<number, number[]>();
  for (const k of kpis) {
    let list = kpisByContract.get(k.contractId);
    if (!list) kpisByContract.set(k.contractId, (list = []));
    list.push(k.indicatorId);
  }
  links.sort((a, b) => a.indicatorId - b.indicatorId || a.measureId - b.measureId);
  const indicatorById = new Map(indicators.map((i) => [i.id, i]));
  const linksOf = new Map<number, IndicatorMeasure[]>();
  for (const l of links) {
    let list = linksOf.get(l.indicatorId);
    if (!list) linksOf.set(l.indicatorId, (list = []));
    list.push(l);
  }
  const shared = new Map<string, ReturnForm>();
  const formOf = (indicators: number[]): ReturnForm => {
    const own = [...new Set(indicators)].sort((a, b) => a - b);
    const key = own.join(",");
    let form = shared.get(key);
    if (form) return form;
    const ownLinks = own.flatMap((indicatorId) => linksOf.get(indicatorId) ?? []);
    const measureIds = [...new Set(ownLinks.map((l) => l.measureId))].sort((a, b) => a - b);
    form = {
      measures: measureIds.map((id) => measures.get(id)!).map(({ id, code, name, unit, minValue, maxValue }) => ({ id, code, name, unit, minValue, maxValue })),
      ratios: own.map((indicatorId) => ({
        indicatorCode: indicatorById.get(indicatorId)!.code,
        numerator: (linksOf.get(indicatorId) ?? []).filter((l) => l.role === MeasureRole.NUMERATOR).map((l) => l.measureId),
        denominator: (linksOf.get(indicatorId) ?? []).filter((l) => l.role === MeasureRole.DENOMINATOR).map((l) => l.measureId),
      })),
    };
    shared.set(key, form);
    return form;
  };
  const forms = new Map<number, ReturnForm>();
  for (const contractId of new Set(contractIds)) forms.set(contractId, formOf(kpisByContract.get(contractId) ?? []));
  return forms;
}

export async function loadForm(manager: EntityManager, contractId: number): Promise<ReturnForm> {
  return (await loadForms(manager, [contractId])).get(contractId)!;
}

/** The measures a contract's provider reports: batched per request, so a list of contracts or returns costs the same few statements. */
export async function reportedMeasures(ctx: Context, contractId: number): Promise<Measure[]> {
  const form = await ctx.loaders
    .batch("returnForm", async (ids) => {
      const forms = await loadForms(ctx.services.db.manager, ids);
      return ids.map((id) => forms.get(id)!);
    })
    .load(contractId);
  const rows = await ctx.loaders.byId(Measure).loadMany(form.measures.map((m) => m.id));
  return rows.filter((m): m is Measure => m instanceof Measure);
}
