import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnePlain, Loaders } from "../../server/db/loaders.js";
import { startTestServer, type TestServer } from "./harness.js";

// Loaders.byId reads plain entities with its own statement (server/db/loaders.ts): it must give what findBy gives.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe("rows by id through the request's loaders", () => {
  it("are the objects findBy gives, for every entity with an id, on the demo data", async () => {
    const manager = server.services.db.manager;
    let compared = 0;
    for (const metadata of manager.connection.entityMetadatas) {
      if (metadata.primaryColumns.length !== 1 || metadata.primaryColumns[0].propertyName !== "id") continue;
      const table = metadata.tablePath;
      const ids: number[] = (await manager.query(`SELECT "id" FROM "${table}" ORDER BY "id" LIMIT 40`)).map((r: { id: unknown }) => Number(r.id));
      if (!ids.length) continue;
      const repository = manager.getRepository(metadata.target);
      const expected = await repository.findBy(ids.map((id) => ({ id })));
      const loaded = await new Loaders(manager).byId(metadata.target as new () => { id: number }).loadMany([...ids, -1]);
      expect(loaded.at(-1), metadata.name).toBeNull();
      const byId = new Map(expected.map((row) => [row.id, row]));
      for (const row of loaded.slice(0, -1)) {
        expect(row, metadata.name).not.toBeInstanceOf(Error);
        const want = byId.get((row as { id: number }).id);
        expect(Object.getPrototypeOf(row), metadata.name).toBe(Object.getPrototypeOf(want));
        expect(row, metadata.name).toStrictEqual(want);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("findOnePlain gives what findOneBy gives, by id and by each whole-number column, for every entity, on the demo data", async () => {
    const manager = server.services.db.manager;
    let compared = 0;
    for (const metadata of manager.connection.entityMetadatas) {
      // A row of each table, and a condition on every whole-number column of it at once (ids and foreign keys).
      const [row] = await manager.getRepository(metadata.target).find({ take: 1 });
      if (!row) continue;
      const where: Record<string, number> = {};
      for (const column of metadata.columns) {
        const value = column.getEntityValue(row);
        if (Number.isSafeInteger(value) && !column.transformer) where[column.propertyName] = value;
      }
      if (!Object.keys(where).length) continue;
      for (const condition of [where, { ...where, [Object.keys(where)[0]]: -1 }]) {
        const entity = metadata.target as new () => Record<string, unknown>;
        const want = await manager.findOneBy(entity, condition);
        const got = await findOnePlain(manager, entity, condition);
        expect(got === null ? null : Object.getPrototypeOf(got), metadata.name).toBe(want === null ? null : Object.getPrototypeOf(want));
        expect(got, metadata.name).toStrictEqual(want);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });
});
