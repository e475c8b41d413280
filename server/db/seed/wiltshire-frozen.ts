import type { EntityManager } from "typeorm";
import { Contract } from "../../modules/contracts/contract.entities.js";
import { PeriodState } from "../../modules/periods/reporting-period.entity.js";
import { PerformanceReturn, ReturnValue } from "../../modules/returns/return.entities.js";
import { correctAfterFreeze, freezeSeededPeriod, seedOfficePerformance } from "./office-performance.js";
import { dayOffset, type KeyRegistry } from "./seed-kit.js";
import { wiltshire2023 } from "./wiltshire-2023-24.js";
import { KPI_CONTRACTS, SHARE_OF } from "./wiltshire-kpis.js";

/*
 * Wiltshire's frozen quarter for the Panel: 2022-23 Q4, the quarter before the 2023-24 plan (illustrative figures).
 * Its returns were accepted, it was frozen on 12 June 2023, and one figure was corrected afterwards: the victims'
 * service had counted some late contacts as made within two working days. The snapshot keeps what the Panel saw; the correction shows
 * as a restatement. It is seeded after every other period so the other periods keep their ids.
 */
export async function seedWiltshireFrozenQuarter(em: EntityManager, refs: { officeId: number; keys: KeyRegistry; users: KeyRegistry }): Promise<void> {
  const providerOf = new Map(wiltshire2023.contracts!.map((c) => [c.ref, c.provider]));
  const periods = await seedOfficePerformance(em, {
    ...refs,
    officerKey: "officer:wiltshire",
    periods: [{ year: "2022-23", quarter: 4, state: PeriodState.FROZEN }],
    // Contracts that began after the quarter owe nothing for it (isReturnDue looks at their dates).
    contracts: KPI_CONTRACTS.map((kc) => ({ contract: kc.contract, provider: providerOf.get(kc.contract)!, targets: kc.targets, volumes: kc.volumes, rates: kc.rates })),
    shareOf: SHARE_OF,
    seed: "wiltshire-2022-23",
  });
  const periodId = periods.get("2022-23 Q4")!;
  const officer = refs.users.get("user", "officer:wiltshire");
  await freezeSeededPeriod(em, periodId, officer, dayOffset("2023-06-12", 0, 11));

  const contract = await em.findOneByOrFail(Contract, { officeId: refs.officeId, reference: "WSW-VV-01" });
  const ret = await em.findOneByOrFail(PerformanceReturn, { contractId: contract.id, periodId });
  const contacted = refs.keys.get("measure", "REFERRALS_CONTACTED_2D");
  const before = await em.findOneByOrFail(ReturnValue, { returnId: ret.id, measureId: contacted });
  await correctAfterFreeze(em, {
    returnId: ret.id,
    measureId: contacted,
    value: Math.round(before.value! * 0.93),
    submittedById: refs.users.get("user", `provider:${providerOf.get("WSW-VV-01")}`),
    acceptedById: officer,
    when: dayOffset("2023-07-03", 0, 10),
    reason: "Corrected after the provider's audit: some contacts made after the second working day had been counted as within two days.",
  });
}
