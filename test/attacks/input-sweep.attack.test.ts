import { startTestServer, type TestServer } from "../api/harness.js";
import { inputSweep, SWEEP_ENV } from "./input-sweep.case.js";

// The schema-generated bad-input sweep (input-sweep.case.ts) on a fresh SQLite database.
let server: TestServer | undefined;
inputSweep({
  name: "SQLite",
  async start() {
    server = await startTestServer({ env: SWEEP_ENV });
    return server;
  },
  async stop() {
    await server?.close();
  },
});
