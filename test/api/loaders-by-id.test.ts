import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Loaders } from "../../server/db/loaders.js";
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
});
