import type { Actor } from "../auth/actor";
import type { Person } from "../catalog/image";
import type { Db } from "../db/client";
import { fail, ok, type Result } from "../result";

/**
 * The active administrators, for a signed-in user to know whom to ask (a larger quota, a new project):
 * "ask an administrator" names people. Their names and emails are no secret inside the organisation.
 */
export async function listAdministrators(db: Pick<Db, "user">, actor: Actor | null): Promise<Result<Person[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  return ok(await db.user.findMany({ where: { role: "admin", disabledAt: null }, select: { id: true, name: true, email: true }, orderBy: { email: "asc" } }));
}
