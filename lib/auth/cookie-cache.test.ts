import { describe, expect, it } from "vitest";
import { CookieCache } from "./cookie-cache";

// The cache keeps what a cookie decrypts to; whether that session lives is read on every request (sessions.test.ts).
describe("decrypted session cookies", () => {
  const counting = (sid: string | null, expiresAtMs: number) => {
    const calls = { count: 0 };
    const decrypt = () => {
      calls.count += 1;
      return Promise.resolve(sid ? { sid, expiresAtMs } : null);
    };
    return { calls, decrypt };
  };

  it("decrypts a cookie once, until its token expires, and again under another secret", async () => {
    const cache = new CookieCache(1024);
    const { calls, decrypt } = counting("sid-1", 10_000);
    expect(await cache.sessionId("cookie-a", "secret", decrypt, 1_000)).toBe("sid-1");
    expect(await cache.sessionId("cookie-a", "secret", decrypt, 9_999)).toBe("sid-1");
    expect(calls.count).toBe(1);
    await cache.sessionId("cookie-a", "secret", decrypt, 10_000);
    expect(calls.count).toBe(2);
    await cache.sessionId("cookie-a", "rotated", decrypt, 1_000);
    expect(calls.count).toBe(3);
  });

  it("keeps no cookie that fails to decrypt, nor one whose token has expired", async () => {
    const cache = new CookieCache(1024);
    const garbage = counting(null, 0);
    expect(await cache.sessionId("garbage", "secret", garbage.decrypt, 1_000)).toBeNull();
    expect(await cache.sessionId("garbage", "secret", garbage.decrypt, 1_000)).toBeNull();
    expect(garbage.calls.count).toBe(2);
    const stale = counting("sid-2", 500);
    await cache.sessionId("stale", "secret", stale.decrypt, 1_000);
    await cache.sessionId("stale", "secret", stale.decrypt, 1_000);
    expect(stale.calls.count).toBe(2);
  });

  it("is bounded by the length of the cookies it keeps, the least recently used going first", async () => {
    const cache = new CookieCache(20);
    const a = counting("sid-a", 10_000);
    const b = counting("sid-b", 10_000);
    const c = counting("sid-c", 10_000);
    await cache.sessionId("a".repeat(8), "secret", a.decrypt, 0);
    await cache.sessionId("b".repeat(8), "secret", b.decrypt, 0);
    await cache.sessionId("a".repeat(8), "secret", a.decrypt, 0);
    await cache.sessionId("c".repeat(8), "secret", c.decrypt, 0);
    await cache.sessionId("a".repeat(8), "secret", a.decrypt, 0);
    await cache.sessionId("b".repeat(8), "secret", b.decrypt, 0);
    expect([a.calls.count, b.calls.count, c.calls.count]).toEqual([1, 2, 1]);
  });
});
