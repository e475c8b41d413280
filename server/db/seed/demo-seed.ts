import type { DataSource } from "typeorm";
import { hashPassword } from "../../auth/passwords.js";
import { withStartupLock } from "../data-source.js";
import { Office } from "../../modules/offices/office.entity.js";
import { seedOpenData } from "../../modules/opendata/open-data.seed.js";
import { DEMO_PASSWORD, seedUsers } from "./demo-users.js";
import { dorset } from "./dorset-2019-20.js";
import { durham } from "./durham-2018-19.js";
import { seedOffice, type OfficeSeed } from "./office-seed.js";
import { DORSET_KPI_CONTRACTS, DORSET_OPEN_PERIOD, DORSET_PERIODS, DORSET_SHARE_OF } from "./dorset-kpis.js";
import { DURHAM_KPI_CONTRACTS, DURHAM_OPEN_PERIOD, DURHAM_PERIODS, DURHAM_SHARE_OF } from "./durham-services.js";
import { seedOfficePerformance } from "./office-performance.js";
import { seedWiltshirePerformance } from "./performance.js";
import { seedWiltshireFrozenQuarter } from "./wiltshire-frozen.js";
import { seedProviders } from "./providers.js";
import { wiltshire2020 } from "./wiltshire-2020-21.js";
import { wiltshire2023 } from "./wiltshire-2023-24.js";
import { seedWiltshireGovernance } from "./wiltshire-governance.js";
import { wiltshireKpis } from "./wiltshire-kpis.js";
import { wiltshireStrategy } from "./wiltshire-strategy.js";

import { rebuildScorecardAggregates } from "../../modules/scorecards/scorecard-aggregates.js";
export { DEMO_LOGINS, DEMO_PASSWORD, DEMO_REPORTING_LOGINS } from "./demo-users.js";

/** Wiltshire is told in several documents; the parts are seeded in an order where every key is defined before use. */
const wiltshire: OfficeSeed = {
  office: { name: "Wiltshire & Swindon", code: "wiltshire", commissionerTitle: "Police and Crime Commissioner for Wiltshire and Swindon" },
  parts: [wiltshireStrategy, wiltshire2023, wiltshire2020, wiltshireKpis],
};

/**
 * Loads the demo offices (figures from the source documents in ../shared/seeds) into an empty database.
 * Does nothing if any office exists, so it is safe to call on every start. All or nothing: one transaction.
 */
export async function seedDemoData(dataSource: DataSource): Promise<void> {
  // Cheap check first so an already-seeded database never pays for bcrypt; the transaction checks again.
  if ((await dataSource.getRepository(Office).count()) > 0) return;
  // Hashed before the transaction opens: bcrypt is slow and one hash serves every demo account.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  // Instances starting together on one PostgreSQL database take turns; the later ones find the offices and stop.
  await withStartupLock(dataSource, () => seedInTransaction(dataSource, passwordHash));
}

async function seedInTransaction(dataSource: DataSource, passwordHash: string): Promise<void> {
  await dataSource.transaction(async (em) => {
    if ((await em.count(Office)) > 0) return;

    const providers = await seedProviders(em);
    const officeIds = new Map<string, number>();
    const seeded = new Map<string, Awaited<ReturnType<typeof seedOffice>>>();
    for (const office of [wiltshire, dorset, durham]) {
      const result = await seedOffice(em, office, providers);
      officeIds.set(office.office.code, result.officeId);
      seeded.set(office.office.code, result);
    }

    const users = await seedUsers(em, passwordHash, officeIds, providers);
    await seedOpenData(em, officeIds);
    const { officeId, keys } = seeded.get("wiltshire")!;
    const returnIds = await seedWiltshirePerformance(em, { officeId, keys, users });
    await seedWiltshireGovernance(em, { officeId, keys, users, returnIds });

    // Dorset and Durham: their documents' year in closed quarters, with accepted returns (illustrative figures).
    const dorsetSeed = seeded.get("dorset")!;
    await seedOfficePerformance(em, { ...dorsetSeed, users, officerKey: "officer:dorset", periods: DORSET_PERIODS, contracts: DORSET_KPI_CONTRACTS, shareOf: DORSET_SHARE_OF, seed: "dorset" });
    const durhamSeed = seeded.get("durham")!;
    await seedOfficePerformance(em, { ...durhamSeed, users, officerKey: "officer:durham", periods: DURHAM_PERIODS, contracts: DURHAM_KPI_CONTRACTS, shareOf: DURHAM_SHARE_OF, seed: "durham" });

    await seedWiltshireFrozenQuarter(em, { officeId, keys, users });
    // Each office's one open quarter, due a few weeks after the demo is loaded (illustrative): the quarter after its
    // documents' year, with nothing in yet. Seeded last so every other period keeps its id.
    await seedOfficePerformance(em, { ...dorsetSeed, users, officerKey: "officer:dorset", periods: [DORSET_OPEN_PERIOD], contracts: DORSET_KPI_CONTRACTS, shareOf: DORSET_SHARE_OF, seed: "dorset" });
    await seedOfficePerformance(em, { ...durhamSeed, users, officerKey: "officer:durham", periods: [DURHAM_OPEN_PERIOD], contracts: DURHAM_KPI_CONTRACTS, shareOf: DURHAM_SHARE_OF, seed: "durham" });
    await rebuildScorecardAggregates(em);
  });
}
