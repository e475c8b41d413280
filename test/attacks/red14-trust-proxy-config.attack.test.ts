/*
 * red14: TRUST_PROXY values at start. Values the server cannot read stop it with a message naming the setting, and
 * no stack trace (many shapes hold: see the second block). But some ambiguous values are accepted and read in a way
 * an operator would not expect:
 *  - "010.0.0.1" (a zero-padded 10.0.0.1) is read as octal, i.e. it trusts 8.0.0.1; "0xa.0.0.1" likewise as hex
 *    (the same inet_aton ambiguity as CVE-2021-29921; Node's own net.isIP refuses both);
 *  - "1, loopback" (a hop count mixed into a list) is accepted: the "1" is silently read as the address 0.0.0.1.
 * Each should stop the server at start like any other unreadable value.
 */
import { describe, expect, it } from "vitest";
import { crash, startServer } from "../support/server-process.js";

async function startFailure(value: string): Promise<string | null> {
  try {
    const server = await startServer({ env: { TRUST_PROXY: value, SEED_DEMO_DATA: "false" }, timeoutMs: 60_000 });
    await crash(server);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("red14: ambiguous TRUST_PROXY values are accepted (should stop the server)", () => {
  for (const value of ["010.0.0.1", "0xa.0.0.1", "1, loopback"]) {
    it(`TRUST_PROXY=${JSON.stringify(value)} stops the server at start, naming the setting`, async () => {
      const failure = await startFailure(value);
      expect(failure, `the server started with TRUST_PROXY=${JSON.stringify(value)}`).not.toBeNull();
      expect(failure).toContain("Commissioning Hub cannot start: TRUST_PROXY");
      expect(failure).not.toMatch(/TypeError|\n\s+at /);
    }, 90_000);
  }
});

describe("red14: unreadable TRUST_PROXY values (these hold)", () => {
  for (const value of ["abc", "true", "-1", "1.5", "1e3", "*", "Loopback", "loopback linklocal", "loopback;linklocal", "10.0.0.0/8/8", "10.0.0.0/", "10.0.0.0/ 8", "2001:db8::/129", "2001:db8::/64%eth0", "256.1.1.1", "[::1]", "127.0.0.1:80"]) {
    it(`TRUST_PROXY=${JSON.stringify(value)}: a clear message naming the setting, no stack trace`, async () => {
      const failure = await startFailure(value);
      expect(failure).toContain(`Commissioning Hub cannot start: TRUST_PROXY: ${JSON.stringify(value.trim())}`);
      expect(failure).not.toMatch(/TypeError|\n\s+at /);
    }, 90_000);
  }
});
