import { afterAll, beforeAll } from "vitest";
import { startSqlite, type TestServer } from "./red17-kit.js";
import { attackSuite } from "./red17-attack-case.js";
import { csvAttacks } from "./red17-csv.case.js";
let s: TestServer;
beforeAll(async () => { s = await startSqlite(); });
afterAll(async () => { await s?.close(); });
attackSuite(csvAttacks, () => s, "csv SQLite");
