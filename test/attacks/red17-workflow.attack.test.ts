import { afterAll, beforeAll } from "vitest";
import { startSqlite, type TestServer } from "./red17-kit.js";
import { attackSuite } from "./red17-attack-case.js";
import { workflowAttacks } from "./red17-workflow.case.js";
let s: TestServer;
beforeAll(async () => { s = await startSqlite(); });
afterAll(async () => { await s?.close(); });
attackSuite(workflowAttacks, () => s, "workflow SQLite");
