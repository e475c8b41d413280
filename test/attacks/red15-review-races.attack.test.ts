import type { TestServer } from "../api/harness.js";
import { startTestServer } from "../api/harness.js";
import { reviewRaceAttacks } from "./red15-review-races.case.js";

// red15's review races (red15-review-races.case.ts) on SQLite: one server; both "instances" are the same one.
let server: TestServer | undefined;
reviewRaceAttacks({
  name: "SQLite",
  skip: false,
  exactOddText: false,
  async start() {
    server = await startTestServer();
    return { a: server, b: server };
  },
  async stop() {
    await server?.close();
  },
});
