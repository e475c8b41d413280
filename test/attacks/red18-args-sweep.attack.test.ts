import { afterAll, beforeAll, describe } from "vitest";
import { startTestServer } from "../api/harness.js";
import { sweep } from "./red18-args-sweep.case.js";
import { ADMIN, ANALYST, COMM, OFFICER, PA, type TestServer } from "./red18-kit.js";

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.close(); });
describe("red18 query arguments on SQLite", () => sweep(() => s, [OFFICER, ANALYST, PA, ADMIN, COMM]));
