import { type Actor, isAdmin } from "../auth/actor";
import { ownedProjectIds } from "../accounts/projects";
import type { Db } from "../db/client";
import { fail, ok, type Result } from "../result";

/**
 * Which events an actor may read: every one (administrators, `projectIds` null), or those about the
 * projects the actor owns. Anyone else is refused before anything is read.
 */
export async function auditReadScope(db: Db, actor: Actor | null): Promise<Result<{ projectIds: string[] | null }>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (isAdmin(actor)) return ok({ projectIds: null });
  const owned = await ownedProjectIds(db, actor.id);
  if (owned.length === 0) return fail("forbidden", "Only administrators, and project owners for their projects, can read the audit trail.");
  return ok({ projectIds: owned });
}
