import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { checkPassword, WRONG_PASSWORD } from "./sign-in";
import { THROTTLE_RULES, throttleKeys, waitAfter } from "./throttle";
import { authenticateToken, createToken } from "./tokens";
import { upsertUser } from "./users";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const at = (start: Date, ms: number) => new Date(start.getTime() + ms);
let accounts = 0;
const newUser = async () => {
  accounts += 1;
  return upsertUser(env.db, { email: `throttled-${accounts}@test`, name: "T", password: "right-pass", role: "user" });
};
const message = (result: { ok: boolean; error?: { message: string } }) => (result.ok ? "ok" : result.error?.message);

describe("the rules", () => {
  it("grow the wait after the free failures, then lock", () => {
    const rule = THROTTLE_RULES.account;
    expect(Array.from({ length: 12 }, (_, i) => waitAfter(rule, i + 1) / SECOND)).toEqual([0, 0, 0, 0, 0, 2, 4, 8, 16, 900, 900, 900]);
  });

  it("throttle an IPv6 client by its /64, and an IPv4 client by its address", () => {
    const key = (address: string) => throttleKeys("a@test", address)[0]?.key;
    expect(key("2001:db8:1:2:aaaa::1")).toBe(key("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
    expect(key("2001:db8:1:2::1")).not.toBe(key("2001:db8:1:3::1"));
    expect(key("192.0.2.1")).not.toBe(key("192.0.2.2"));
  });
});

describe("per account", () => {
  it("after five failures the next attempt waits, right password or not, and the message says how long", async () => {
    const user = await newUser();
    const start = new Date("2030-01-01T00:00:00Z");
    for (let i = 0; i < 5; i += 1)
      expect(message(await checkPassword(env.db, { email: user.email, password: "guess", clientAddress: null }, start))).toBe(WRONG_PASSWORD);
    // The sixth is still checked; failing, it makes the next attempt wait 2 s.
    expect(message(await checkPassword(env.db, { email: user.email, password: "guess", clientAddress: null }, start))).toBe(WRONG_PASSWORD);
    // Even the right password is not checked before the wait is over.
    expect(message(await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: null }, at(start, SECOND)))).toBe(
      "Too many failed sign-ins for this account. Try again in 1 second.",
    );
    expect((await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: null }, at(start, 2 * SECOND))).ok).toBe(true);
    // Success starts the account afresh.
    expect(message(await checkPassword(env.db, { email: user.email, password: "guess", clientAddress: null }, at(start, 3 * SECOND)))).toBe(WRONG_PASSWORD);
  });

  it("locks for 15 minutes after ten failures, and forgets failures after an hour of quiet", async () => {
    const user = await newUser();
    let now = new Date("2030-01-02T00:00:00Z");
    for (let i = 0; i < 10; i += 1) {
      expect(message(await checkPassword(env.db, { email: user.email, password: "guess", clientAddress: null }, now))).toBe(WRONG_PASSWORD);
      now = at(now, 20 * SECOND);
    }
    expect(message(await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: null }, now))).toMatch(
      /^Too many failed sign-ins for this account\. Try again in 1[45] minutes\.$/,
    );
    now = at(now, 15 * MINUTE);
    // The lock is over, but one more failure locks again.
    expect(message(await checkPassword(env.db, { email: user.email, password: "guess", clientAddress: null }, now))).toBe(WRONG_PASSWORD);
    expect(message(await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: null }, at(now, MINUTE)))).toMatch(
      /Try again in 14 minutes/,
    );
    now = at(now, 76 * MINUTE);
    for (let i = 0; i < 5; i += 1)
      expect(message(await checkPassword(env.db, { email: user.email, password: "guess", clientAddress: null }, now))).toBe(WRONG_PASSWORD);
    expect((await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: null }, now)).ok).toBe(true);
  });

  it("110 wrong passwords at once check at most six (the free five and the one that starts the wait); the right one after them is refused", async () => {
    const user = await newUser();
    const now = new Date("2030-01-03T00:00:00Z");
    const results = await Promise.all(
      Array.from({ length: 110 }, () => checkPassword(env.db, { email: user.email, password: "guess", clientAddress: "198.51.100.7" }, now)),
    );
    expect(results.filter((result) => message(result) === WRONG_PASSWORD).length).toBeLessThanOrEqual(6);
    expect(results.filter((result) => message(result)?.startsWith("Too many")).length).toBeGreaterThanOrEqual(104);
    expect(message(await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: "198.51.100.7" }, now))).toMatch(/^Too many/);
  });

  it("treats an unknown email exactly like a known one", async () => {
    const now = new Date("2030-01-04T00:00:00Z");
    const outcomes = async (email: string) => {
      const seen: (string | undefined)[] = [];
      for (let i = 0; i < 7; i += 1) seen.push(message(await checkPassword(env.db, { email, password: "guess", clientAddress: null }, now)));
      return seen;
    };
    expect(await outcomes("nobody-here@test")).toEqual(await outcomes((await newUser()).email));
  });

  it("leaves API tokens alone: a locked account's scripts keep working", async () => {
    const user = await newUser();
    const token = await createToken(env.db, user, { name: "ci", expiresInDays: null });
    if (!token.ok) throw new Error(token.error.message);
    const now = new Date();
    for (let i = 0; i < 10; i += 1) await checkPassword(env.db, { email: user.email, password: "guess", clientAddress: null }, now);
    expect(message(await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: null }, now))).toMatch(/^Too many/);
    expect((await authenticateToken(env.db, token.value.secret)).ok).toBe(true);
  });
});

describe("per client address", () => {
  it("a guesser going through accounts from one address meets the address's limit", async () => {
    const now = new Date("2030-01-05T00:00:00Z");
    const address = "203.0.113.9";
    for (let i = 0; i < THROTTLE_RULES.address.free; i += 1)
      expect(message(await checkPassword(env.db, { email: `victim-${i}@test`, password: "guess", clientAddress: address }, now))).toBe(WRONG_PASSWORD);
    expect(message(await checkPassword(env.db, { email: "victim-x@test", password: "guess", clientAddress: address }, now))).toBe(WRONG_PASSWORD);
    const user = await newUser();
    expect(message(await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: address }, now))).toBe(
      "Too many failed sign-ins from your network address. Try again in 1 second.",
    );
    // Another address is not affected.
    expect((await checkPassword(env.db, { email: user.email, password: "right-pass", clientAddress: "203.0.113.10" }, now)).ok).toBe(true);
  });
});
