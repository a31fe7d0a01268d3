import { isIP } from "node:net";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";

/**
 * How failed sign-ins slow down the next attempt under one key (docs/decisions.md, "Sign-in
 * throttling"). After `free` failures each one makes the next attempt wait, twice as long each time
 * from `firstDelayMs`; from `lockAfter` failures on, each one locks the key for `lockMs`. Failures
 * older than `forgetAfterMs` (with no wait running) are forgotten.
 */
export interface ThrottleRule {
  free: number;
  firstDelayMs: number;
  lockAfter: number;
  lockMs: number;
  forgetAfterMs: number;
}

const MINUTE = 60_000;

export const THROTTLE_RULES = {
  // One person mistyping: five tries, then 2, 4, 8 and 16 s, then 15 minutes per failure.
  account: { free: 5, firstDelayMs: 2_000, lockAfter: 10, lockMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE },
  // One address can be a whole office behind NAT: more room, but a guesser going through accounts still meets it.
  address: { free: 20, firstDelayMs: 1_000, lockAfter: 50, lockMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE },
} as const satisfies Record<string, ThrottleRule>;

export type ThrottleScope = keyof typeof THROTTLE_RULES;

export interface ThrottleKey {
  scope: ThrottleScope;
  key: string;
}

/** How long the next attempt must wait after the `failures`-th failure in a row. */
export function waitAfter(rule: ThrottleRule, failures: number): number {
  if (failures <= rule.free) return 0;
  if (failures >= rule.lockAfter) return rule.lockMs;
  return Math.min(rule.firstDelayMs * 2 ** (failures - rule.free - 1), rule.lockMs);
}

/** An IPv6 client controls at least a /64: throttle the prefix, not each of its 2^64 addresses. */
function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, "").toLowerCase())
    .join(":")}::/64`;
}

/** The keys a sign-in is throttled under: the account (known or not, alike) and the client's address when known. */
export function throttleKeys(email: string, clientAddress: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ scope: "account", key: `account:${email.trim().toLowerCase()}` }];
  if (clientAddress) keys.unshift({ scope: "address", key: `address:${addressBucket(clientAddress)}` });
  return keys;
}

/**
 * Counts one attempt as a failure under `key` before the password is checked, so that a burst of
 * concurrent attempts cannot all pass before the first failure is written: each update is conditional
 * on the row the attempt read (compare and set), and a loser reads again. Returns the time to wait
 * instead when the key is blocked.
 */
async function reserve(db: Db, { scope, key }: ThrottleKey, now: Date): Promise<Date | null> {
  const rule = THROTTLE_RULES[scope];
  for (let round = 0; round < 25; round += 1) {
    const row = await db.signInThrottle.findUnique({ where: { key } });
    if (row?.blockedUntil && row.blockedUntil > now) return row.blockedUntil;
    const forgotten = !row || now.getTime() - row.lastFailureAt.getTime() >= rule.forgetAfterMs;
    const failures = (forgotten ? 0 : row.failures) + 1;
    const wait = waitAfter(rule, failures);
    const data = { failures, lastFailureAt: now, blockedUntil: wait ? new Date(now.getTime() + wait) : null };
    if (!row) {
      try {
        await db.signInThrottle.create({ data: { key, ...data } });
        return null;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        continue;
      }
    }
    const { count } = await db.signInThrottle.updateMany({ where: { key, failures: row.failures, lastFailureAt: row.lastFailureAt }, data });
    if (count === 1) return null;
  }
  // That much contention is a flood on this key: let it wait a moment.
  return new Date(now.getTime() + rule.firstDelayMs);
}

export interface Refusal {
  scope: ThrottleScope;
  retryAt: Date;
}

/**
 * Reserves an attempt under every key, the address first (a blocked address then costs the account
 * nothing); the attempt counts as a failure until attemptSucceeded. Null when the password may be
 * checked, else which key refused and until when. Forgotten rows are removed on the way.
 */
export async function reserveAttempt(db: Db, keys: ThrottleKey[], now = new Date()): Promise<Refusal | null> {
  const oldest = Math.max(...Object.values(THROTTLE_RULES).map((rule) => rule.forgetAfterMs));
  await db.signInThrottle.deleteMany({
    where: { lastFailureAt: { lt: new Date(now.getTime() - oldest) }, OR: [{ blockedUntil: null }, { blockedUntil: { lte: now } }] },
  });
  for (const key of keys) {
    const retryAt = await reserve(db, key, now);
    if (retryAt) return { scope: key.scope, retryAt };
  }
  return null;
}

/** The password was right: the account starts afresh, and the address gets back the failure it was charged. */
export async function attemptSucceeded(db: Db, keys: ThrottleKey[]): Promise<void> {
  for (const { scope, key } of keys) {
    if (scope === "account") await db.signInThrottle.deleteMany({ where: { key } });
    else await db.signInThrottle.updateMany({ where: { key, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
  }
}

function duration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** What a refused attempt is told: why, and when to try again. */
export function refusalMessage(refusal: Refusal, now = new Date()): string {
  const where = refusal.scope === "account" ? "for this account" : "from your network address";
  return `Too many failed sign-ins ${where}. Try again in ${duration(refusal.retryAt.getTime() - now.getTime())}.`;
}
