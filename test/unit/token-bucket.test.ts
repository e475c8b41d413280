import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../server/security/ws-guard.js";

describe("a socket's token bucket", () => {
  it("allows its capacity at once, then refills at its rate, never above its capacity", () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 499; // 0.998 of a token
    expect(bucket.take()).toBe(false);
    now = 1000; // two tokens in the second since the bucket ran dry (the refused take spent nothing)
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
    now = 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it("charges a refusal several tokens at once, or nothing when it cannot pay", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 1, () => now);
    expect(bucket.take(6)).toBe(true);
    expect(bucket.take(6)).toBe(false);
    expect(bucket.take(4)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });
});
