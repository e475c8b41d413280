import { afterAll, beforeAll } from "vitest";
import { attackSuite } from "./red17-attack-case.js";
import { dateAttacks } from "./red17-dates.case.js";
import { startSqlite, type TestServer } from "./red17-kit.js";

let s: TestServer;
beforeAll(async () => { s = await startSqlite(); });
afterAll(async () => { await s?.close(); });
attackSuite(dateAttacks, () => s, "date arguments on SQLite: coded refusal or success, never INTERNAL_SERVER_ERROR");
