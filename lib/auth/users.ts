import type { Db } from "../db/client";
import { ensurePersonalProject } from "../projects/personal";
import { type Actor, actorOf } from "./actor";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password";

/**
 * A password checked against an account: the actor, or why not. `unknown` is an email with no account
 * or an account without a password yet (invited, or reset by an administrator). An unknown email and
 * a wrong password take the same time.
 */
export type LocalPasswordCheck = { outcome: "ok"; actor: Actor } | { outcome: "unknown" | "wrong" | "disabled" };

export async function checkLocalPassword(db: Db, email: string, password: string): Promise<LocalPasswordCheck> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user?.passwordHash) {
    await verifyPassword(await dummyPasswordHash(), password);
    return { outcome: "unknown" };
  }
  if (!(await verifyPassword(user.passwordHash, password))) return { outcome: "wrong" };
  // Said only to someone who knows the password.
  if (user.disabledAt) return { outcome: "disabled" };
  return { outcome: "ok", actor: actorOf(user) };
}

export async function findActor(db: Db, id: string): Promise<Actor | null> {
  const user = await db.user.findUnique({ where: { id } });
  return user ? actorOf(user) : null;
}

/** Creates the account, or resets its password and role when the email exists (the seed, tests). */
export async function upsertUser(db: Db, input: { email: string; name: string; password: string; role: "admin" | "user" }): Promise<Actor> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  const user = await db.user.upsert({
    where: { email },
    create: { email, name: input.name, passwordHash, role: input.role },
    update: { passwordHash, role: input.role, disabledAt: null },
  });
  await ensurePersonalProject(db, user);
  return actorOf(user);
}
