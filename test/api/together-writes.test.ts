import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { together } from "../../server/db/bulk.js";
import { conflict, ErrorCode } from "../../server/errors.js";
import { AuditEvent } from "../../server/modules/audit/audit-event.entity.js";
import { startTestServer, type TestServer } from "./harness.js";

/*
 * `together` sends a unit of work's independent steps at once (server/db/bulk.ts), writes included. If one fails,
 * the failure may reach the writer only once every other step has settled: a step still queued on the connection
 * when the writer rolls back would run after the ROLLBACK, outside any transaction, and commit on its own.
 */
describe("steps sent together inside a unit of work", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const audited = () => server.services.db.manager.countBy(AuditEvent, { action: "test.late-step" });

  test("a step that fails first leaves nothing of a later step behind: the unit of work fails whole", async () => {
    const written = server.services.writer.run(null, (uow) =>
      together(uow.manager, [
        async () => {
          throw conflict("The first step fails at once.");
        },
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 150));
          await uow.audit("test.late-step", { type: "Test", id: 1, officeId: null }, null, { late: true });
        },
      ] as const),
    );
    await expect(written).rejects.toMatchObject({ extensions: { code: ErrorCode.CONFLICT } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await audited()).toBe(0);

    // The connection is whole afterwards: the same steps without the failure commit both.
    await server.services.writer.run(null, (uow) => together(uow.manager, [async () => uow.audit("test.late-step", { type: "Test", id: 2, officeId: null }, null, null), async () => uow.audit("test.late-step", { type: "Test", id: 3, officeId: null }, null, null)] as const));
    expect(await audited()).toBe(2);
  });
});
