import { afterAll, beforeAll, describe } from "vitest";
import { startTestServer } from "../api/harness.js";
import { searchSuite } from "./red18-search.case.js";
import type { TestServer } from "./red18-kit.js";

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.close(); });
describe("red18 providers(search:) on SQLite", () => searchSuite(() => s));
