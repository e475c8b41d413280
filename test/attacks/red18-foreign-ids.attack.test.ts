import { afterAll, beforeAll, describe } from "vitest";
import { startTestServer } from "../api/harness.js";
import { attacks, auditSomething, foreignSuite } from "./red18-foreign-ids.case.js";
import type { TestServer } from "./red18-kit.js";

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); await auditSomething(s); });
afterAll(async () => { await s?.close(); });
describe("red18 foreign ids in query arguments", () => foreignSuite(() => s, attacks));
