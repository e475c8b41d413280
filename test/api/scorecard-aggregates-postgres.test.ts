import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresUnreachable, scratchDatabase, skipWithoutPostgres, useDatabaseUrl, type ScratchDatabase } from "../support/services.js";

/*
 * The maintained-scorecard property test on PostgreSQL: the same random workflows as on SQLite, and, because
 * PostgreSQL runs transactions side by side, several of them at once against one store. After each round every
 * cell must equal the recomputation from the raw values. DATABASE_URL must be set before any entity module loads.
 */
const unreachable = await postgresUnreachable();

describe.skipIf(skipWithoutPostgres(unreachable, "the PostgreSQL scorecard property test"))("maintained scorecards on PostgreSQL", () => {
  let database: ScratchDatabase;
  let restoreUrl: () => void;
  let server: Awaited<ReturnType<typeof import("./harness.js").startTestServer>>;
  let officeId: number;
  let workflow: typeof import("./scorecard-workflow.js");
  let verify: typeof import("../../server/modules/scorecards/scorecard-verify.js");

  beforeAll(async () => {
    if (unreachable) throw new Error(`${unreachable}; CI requires PostgreSQL.`);
    database = await scratchDatabase("hub_aggregates");
    restoreUrl = useDatabaseUrl(database.url);
    const harness = await import("./harness.js");
    workflow = await import("./scorecard-workflow.js");
    verify = await import("../../server/modules/scorecards/scorecard-verify.js");
    const { User } = await import("../../server/modules/users/user.entity.js");
    server = await harness.startTestServer({ env: { DATABASE_URL: database.url } });
    officeId = (await server.services.db.manager.findOneByOrFail(User, { email: workflow.OFFICER })).officeId!;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    restoreUrl?.();
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
