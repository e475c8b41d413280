import { afterAll, beforeAll } from "vitest";
import { startSqlite, type TestServer } from "./red17-kit.js";
import { attackSuite } from "./red17-attack-case.js";
import { contractAttacks } from "./red17-contracts.case.js";
let s: TestServer;
beforeAll(async () => { s = await startSqlite(); });
afterAll(async () => { await s?.close(); });
attackSuite(contractAttacks, () => s, "contracts SQLite");
