/*
 * Address keys for budgets (issue 8): however a forwarded address is written, one client has one key; different
 * clients have different keys. Properties over random addresses (fast-check), plus the spellings an attacker
 * behind a trusted proxy would try.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressKey, parseProxyTrust } from "../../server/security/client-address.js";

const v6Expanded = (parts: number[]) => parts.map((p) => p.toString(16).padStart(4, "0")).join(":");
const v6Upper = (parts: number[]) => parts.map((p) => p.toString(16).toUpperCase()).join(":");
const v6Groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });

describe("addressKey", () => {
  it("an IPv4 address, its IPv4-mapped IPv6 forms and the address with a port are one key; two addresses are two", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (a, b, port) => {
        const [w, x, y, z] = a.split(".").map(Number);
        const hex = `${((w << 8) | x).toString(16)}:${((y << 8) | z).toString(16)}`;
        const spellings = [a, `::ffff:${a}`, `::FFFF:${a}`, `::ffff:${hex}`, `0:0:0:0:0:ffff:${a}`, `${a}:${port}`, `[::ffff:${a}]:${port}`, ` ${a} `];
        for (const s of spellings) expect(addressKey(s)).toBe(addressKey(a));
        expect(addressKey(a) === addressKey(b)).toBe(a === b);
      }),
    );
  });

  it("any spelling of an IPv6 address is one key, and so is every address of one /64; two /64s are two keys", () => {
    fc.assert(
      fc.property(v6Groups, v6Groups, fc.integer({ min: 1, max: 65535 }), (a, b, port) => {
        fc.pre(!(a[0] === 0 && a[1] === 0 && a[2] === 0 && a[3] === 0 && a[4] === 0 && (a[5] === 0xffff || a[5] === 0)));
        fc.pre(!(b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0 && b[4] === 0 && (b[5] === 0xffff || b[5] === 0)));
        const key = addressKey(v6Expanded(a));
        expect(addressKey(v6Upper(a))).toBe(key);
        expect(addressKey(`[${v6Expanded(a)}]:${port}`)).toBe(key);
        expect(addressKey(`${v6Expanded(a)}%eth0`)).toBe(key);
        const sameSite = [...a.slice(0, 4), ...b.slice(4)];
        expect(addressKey(v6Expanded(sameSite))).toBe(key);
        const samePrefix = a.slice(0, 4).every((p, i) => p === b[i]);
        expect(addressKey(v6Expanded(b)) === key).toBe(samePrefix);
      }),
    );
  });

  it("compressed and full forms agree, and the key names the /64", () => {
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0DB8:0001:0002:0000:0000:0000:0003")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
    expect(addressKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
  });

  it("IPv4 octets are decimal, leading zeros and all (never octal), alone and inside IPv6 (outside tester red14)", () => {
    for (const padded of ["198.18.20.08", "0198.18.20.8", "198.018.20.8", "198.18.020.008", "::ffff:198.018.20.8", "[::ffff:0198.18.20.8]:80", "198.18.20.08:5000"]) {
      expect(addressKey(padded), padded).toBe("198.18.20.8");
    }
    for (const bad of ["198.18.20.256", "0x7f.0.0.1", "127.1", "2130706433", "1.2.3.0000000000004"]) expect(addressKey(bad), bad).toBe("invalid");
  });

  it("what is not an address shares one key, so junk in X-Forwarded-For buys no fresh budget", () => {
    for (const junk of ["", "   ", "unknown", "example.com", "999.1.1.1", "1.2.3.4.5", "<script>", "::gg", "a".repeat(10_000)]) {
      expect(["invalid", "unknown"]).toContain(addressKey(junk));
    }
    expect(addressKey(undefined)).toBe("unknown");
  });
});

describe("TRUST_PROXY", () => {
  it("reads hop counts, addresses, ranges and names; refuses anything else with a message naming the part", () => {
    expect(parseProxyTrust(undefined)).toBeNull();
    expect(parseProxyTrust("0")).toBeNull();
    expect(parseProxyTrust("2")!("1.2.3.4", 1)).toBe(true);
    expect(parseProxyTrust("2")!("1.2.3.4", 2)).toBe(false);
    expect(parseProxyTrust("loopback, 10.0.0.0/8")!("10.1.2.3", 0)).toBe(true);
    expect(parseProxyTrust("loopback, 10.0.0.0/8")!("11.1.2.3", 0)).toBe(false);
    // A trusted hop is trusted however it is written: with a port, brackets, a zone, IPv4-mapped (red14).
    const loopback = parseProxyTrust("loopback")!;
    for (const hop of ["127.0.0.2:8080", "[::1]:8080", "[::ffff:127.0.0.1]:80", "::1%lo", "127.000.000.001"]) expect(loopback(hop, 1), hop).toBe(true);
    expect(loopback("203.0.113.1:80", 1)).toBe(false);
    // Ambiguous spellings (octal, hex, a bare number in a list), empty entries and absurd hop counts are refused.
    for (const bad of ["loopbak", "10.0.0.0/33", "loopback,300.1.1.1", "yes", "010.0.0.1", "0xa.0.0.1", "1, loopback", "loopback,,", ",", "::ffff:010.0.0.1", "99999999999999999999", "2130706433"]) {
      expect(() => parseProxyTrust(bad), bad).toThrow(/^TRUST_PROXY: "[^"]*" is (not an address|more hops)/);
    }
  });
});
