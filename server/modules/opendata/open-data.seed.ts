import type { EntityManager } from "typeorm";
import { OfficeOpenData } from "./open-data-settings.entity.js";

/**
 * ONS codes of the demo offices' police force areas (the 360Giving geoCodeType "PFA", ONS entity E23).
 * The open-data prefixes are left unset, so the exports show the documented placeholders.
 */
export const DEMO_POLICE_FORCE_AREAS: Record<string, string> = { wiltshire: "E23000038", dorset: "E23000039", durham: "E23000008" };

/** Every demo office publishes and shares benchmarks, so the transparency pages and the comparison have something to show. */
export async function seedOpenData(em: EntityManager, officeIds: Map<string, number>): Promise<void> {
  for (const [code, officeId] of officeIds) {
    await em.save(em.create(OfficeOpenData, { officeId, publish: true, shareBenchmarks: true, policeForceAreaCode: DEMO_POLICE_FORCE_AREAS[code] ?? null }));
  }
}
