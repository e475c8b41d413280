import { afterAll, beforeAll, describe } from "vitest";
import { startTestServer } from "../api/harness.js";
import { pagingSuite } from "./red18-paging.case.js";
import type { TestServer } from "./red18-kit.js";

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.close(); });
describe("red18 page sizes and offsets on SQLite", () => pagingSuite(() => s));
