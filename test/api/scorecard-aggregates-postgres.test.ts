import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * The maintained-scorecard property test on PostgreSQL: the same random workflows as on SQLite, and, because
 * PostgreSQL runs transactions side by side, several of them at once against one store. After each round every
 * cell must equal the recomputation from the raw values. DATABASE_URL must be set before any entity module loads.
 */
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test";
const database = `hub_aggregates_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${database}`;

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
const unreachable = await reachable();
if (unreachable && !process.env.CI) console.warn(`Skipping the PostgreSQL scorecard property test: ${unreachable}`);

describe.skipIf(unreachable !== null && !process.env.CI)("maintained scorecards on PostgreSQL", () => {
  const previous = process.env.DATABASE_URL;
  let admin: pg.Client;
  let server: Awaited<ReturnType<typeof import("./harness.js").startTestServer>>;
  let officeId: number;
  let workflow: typeof import("./scorecard-workflow.js");
  let verify: typeof import("../../server/modules/scorecards/scorecard-verify.js");

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    process.env.DATABASE_URL = DATABASE_URL;
    const harness = await import("./harness.js");
    workflow = await import("./scorecard-workflow.js");
    verify = await import("../../server/modules/scorecards/scorecard-verify.js");
    const { User } = await import("../../server/modules/users/user.entity.js");
    server = await harness.startTestServer({ env: { DATABASE_URL } });
    officeId = (await server.services.db.manager.findOneByOrFail(User, { email: workflow.OFFICER })).officeId!;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it("built by the migration and seed, match the recomputation", async () => {
    expect((await verify.verifyStore(server.services.db.manager)).mismatches).toEqual([]);
  });

  it("equal the recomputation after rounds of concurrent random operations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(workflow.op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), async (rounds) => {
        for (const round of rounds) {
          // Operations of a round run at once: each in its own transaction, side by side.
          await Promise.all(round.map((step) => workflow.apply(server, officeId, step).catch(() => undefined)));
          expect(await verify.verifyOffice(server.services.db.manager, officeId), `after ${JSON.stringify(round)}`).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 8), endOnFailure: true },
    );
    expect(workflow.outcomes.filter((o) => o.endsWith(":ok")).length).toBeGreaterThan(10);
  }, 600_000);
});
