import { In, type EntityManager, type EntityTarget, type FindOptionsWhere, type ObjectLiteral } from "typeorm";
import { Indicator, IndicatorMeasure, Measure, MeasureRole } from "../kpis/kpi.entities.js";
import type { Context } from "../../context.js";
import type { ReturnForm } from "./return.rules.js";
import { chunks, placeholders, tableName } from "../../db/bulk.js";

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

/** Each contract's KPIs (indicator ids), read as plain rows: a bulk upload names thousands of contracts. */
async function kpisOf(manager: EntityManager, contractIds: readonly number[]): Promise<Map<number, number[]>> {
  const result = new Map<number, number[]>();
  for (const chunk of chunks([...new Set(contractIds)], CHUNK)) {
    const p = placeholders(manager);
    const rows: { contractId: unknown; indicatorId: unknown }[] = await manager.query(`SELECT "contractId", "indicatorId" FROM ${tableName(manager, "contract_kpi")} WHERE "contractId" IN (${p.list(chunk)})`, p.values);
    for (const r of rows) {
      const contractId = Number(r.contractId);
      let list = result.get(contractId);
      if (!list) result.set(contractId, (list = []));
      list.push(Number(r.indicatorId));
    }
  }
  return result;
}

/**
 * The forms of many contracts in a fixed number of statements: the measures behind each contract's KPIs, and their
 * ratios. Contracts with the same KPIs share one form object (read-only), so building n forms is linear in the rows.
 */
export async function loadForms(manager: EntityManager, contractIds: readonly number[]): Promise<Map<number, ReturnForm>> {
  const kpisByContract = await kpisOf(manager, contractIds);
  const indicatorIds = [...new Set([...kpisByContract.values()].flat())];
  const [links, indicators] = await Promise.all([findIn(manager, IndicatorMeasure, "indicatorId", indicatorIds), findIn(manager, Indicator, "id", indicatorIds)]);
  const measures = new Map((await findIn(manager, Measure, "id", links.map((l) => l.measureId))).map((m) => [m.id, m]));
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
