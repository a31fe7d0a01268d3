import type { Db } from "../db/client";
import { fail, ok, type Result } from "../result";
import { type Actor, parseRole } from "./actor";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password";

/** The actor for an email and password, or null; the same null for an unknown email and a wrong password. */
export async function authenticate(db: Db, email: string, password: string): Promise<Actor | null> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) {
    await verifyPassword(await dummyPasswordHash(), password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  return { id: user.id, email: user.email, name: user.name, role: parseRole(user.role) };
}

export async function findActor(db: Db, id: string): Promise<Actor | null> {
  const user = await db.user.findUnique({ where: { id } });
  return user ? { id: user.id, email: user.email, name: user.name, role: parseRole(user.role) } : null;
}

/** Creates the account, or resets its password and role when the email exists (the seed runs on every start). */
export async function upsertUser(db: Db, input: { email: string; name: string; password: string; role: "admin" | "user" }): Promise<Actor> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  const user = await db.user.upsert({
    where: { email },
    create: { email, name: input.name, passwordHash, role: input.role },
    update: { passwordHash, role: input.role },
  });
  return { id: user.id, email: user.email, name: user.name, role: parseRole(user.role) };
}

export interface UserSummary extends Actor {
  createdAt: string;
  imageCount: number;
}

/** Every account with its role and number of private images (admins only). */
export async function listUsers(db: Db, actor: Actor | null): Promise<Result<UserSummary[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (actor.role !== "admin") return fail("forbidden", "Only administrators can see the user list.");
  const users = await db.user.findMany({ orderBy: { email: "asc" }, include: { _count: { select: { images: { where: { visibility: "private" } } } } } });
  return ok(
    users.map((user) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      role: parseRole(user.role),
      createdAt: user.createdAt.toISOString(),
      imageCount: user._count.images,
    })),
  );
}
