import { afterAll, beforeAll, describe } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";
import { attackSuite } from "./red17-attack-case.js";
import { dateAttacks } from "./red17-dates.case.js";
import type { TestServer } from "./red17-kit.js";

// red17 (an outside attack on bad input, 2026-12-03) on a scratch PostgreSQL database; DATABASE_URL must be set
// before the entity modules load, hence the dynamic import of the harness.
const unreachable = await postgresUnreachable();
describe.skipIf(skipWithoutPostgres(unreachable, "red17 PostgreSQL dates"))("red17 PostgreSQL dates", () => {
  let s: TestServer; let db: ScratchDatabase; let restore: () => void;
  beforeAll(async () => {
    db = await scratchDatabase("hub_red17_dates");
    restore = useDatabaseUrl(db.url);
    const h = await import("../api/harness.js");
    s = await h.startTestServer({ env: { DATABASE_URL: db.url } });
  });
  afterAll(async () => { await s?.close(); await db?.drop(); restore?.(); });
  attackSuite(dateAttacks, () => s, "date arguments on PostgreSQL: coded refusal or success, never INTERNAL_SERVER_ERROR");
});
