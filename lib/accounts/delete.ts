import { recordAudit } from "../audit/record";
import { type Actor, parseRole } from "../auth/actor";
import type { CatalogDeps } from "../catalog/deps";
import { nameColumns, nameKey } from "../catalog/image-name";
import type { Prisma } from "../db/generated/client";
import { parseInput } from "../parse";
import { ensurePersonalProject } from "../projects/personal";
import { fail, ok, type Result } from "../result";
import { activeAdminCount, findAccountRow } from "./list";
import { decideAccount } from "./policy";
import { deleteAccountSchema } from "./schemas";

export interface DeletedAccount {
  id: string;
  email: string;
  /** Private images of the personal project given to the other user or project, and deleted (uploads in progress are always deleted). */
  transferred: number;
  deleted: number;
  /** Platform images the user had added, now the deleting administrator's. */
  platformReassigned: number;
}

/** A name free among the receiving project's images: the image's own, else with who it came from, else numbered. */
async function freeName(tx: Prisma.TransactionClient, name: string, projectId: string, from: string): Promise<string> {
  const base = `${name} (from ${from})`.slice(0, 240);
  for (const candidate of [name, base, ...Array.from({ length: 50 }, (_, i) => `${base} ${i + 2}`)]) {
    const { nameKey, nameScope } = nameColumns(candidate, "private", projectId);
    if (!(await tx.image.findFirst({ where: { nameScope, nameKey }, select: { id: true } }))) return candidate;
  }
  throw new Error(`no free name for "${name}" among the images of ${projectId}`);
}

/** Where a deleted user's images go: another user's personal project (by id or email), else a team project (by id or name). */
async function receivingProject(db: CatalogDeps["db"], ref: string | undefined, deleted: string): Promise<Result<{ id: string }>> {
  const user = await findAccountRow(db, ref);
  if (user) {
    if (user.id === deleted) return fail("invalid", "Give the images to another user than the one deleted.", { transferTo: "Choose another user." });
    if (user.disabledAt) return fail("invalid", `${user.email} is disabled: give the images to an active user.`, { transferTo: "That account is disabled." });
    return ok(await ensurePersonalProject(db, user));
  }
  const name = (ref ?? "").trim();
  const project = name ? await db.project.findFirst({ where: { kind: "team", OR: [{ id: name }, { nameKey: nameKey(name) }] }, select: { id: true } }) : null;
  if (project) return ok(project);
  return fail("invalid", `There is no user or team project "${ref ?? ""}" to give the images to.`, { transferTo: "No such user or project." });
}

/**
 * Deletes an account after its images are dealt with: the images of its personal project go to another
 * user's personal project or to a team project (renamed "NAME (from PERSON)" where that project has the
 * name already) or are deleted with their bytes; its uploads in progress, in any project, are ended;
 * platform images it added stay in the catalog, now credited to the deleting administrator. Images it
 * created in team projects stay there (their creator becomes unknown). Its sessions, API tokens and password links go with the account, in the same
 * transaction; the partial file of an upload in progress goes at the next upload cleanup.
 */
export async function deleteAccount(deps: CatalogDeps, actor: Actor | null, ref: unknown, input: unknown): Promise<Result<DeletedAccount>> {
  const listed = decideAccount(actor, "view", null);
  if (!listed.ok) return listed;
  const row = await findAccountRow(deps.db, ref);
  if (!row) return fail("not_found", "No such user.");
  const parsed = parseInput(deleteAccountSchema, input);
  if (!parsed.ok) return parsed;
  const admin = actor as Actor;
  const { images, transferTo } = parsed.value;
  const receiving = images === "transfer" ? await receivingProject(deps.db, transferTo, row.id) : null;
  if (receiving && !receiving.ok) return receiving;
  const target = receiving?.value ?? null;
  const personal = await deps.db.project.findUnique({ where: { personalUserId: row.id }, select: { id: true } });

  const removedKeys: string[] = [];
  const result = await deps.db.$transaction(async (tx) => {
    const decision = decideAccount(admin, "delete", { id: row.id, role: parseRole(row.role), disabled: row.disabledAt !== null }, await activeAdminCount(tx));
    if (!decision.ok) return decision;
    const owned = await tx.image.findMany({
      where: {
        OR: [...(personal ? [{ projectId: personal.id }] : []), { createdById: row.id, visibility: "platform" }, { createdById: row.id, status: "uploading" }],
      },
      select: { id: true, name: true, visibility: true, status: true, storageKey: true },
    });
    const counts = { transferred: 0, deleted: 0, platformReassigned: 0 };
    for (const image of owned) {
      if (image.visibility === "platform" && image.status !== "uploading") {
        await tx.image.update({ where: { id: image.id }, data: { createdById: admin.id } });
        counts.platformReassigned += 1;
      } else if (target && image.status !== "uploading") {
        // An upload in progress cannot change hands: the client sending it acts as the deleted user.
        const name = await freeName(tx, image.name, target.id, row.name);
        await tx.image.update({ where: { id: image.id }, data: { projectId: target.id, ...nameColumns(name, "private", target.id) } });
        counts.transferred += 1;
      } else {
        // Its upload record goes with it (cascade); the partial file, without a record, goes at the next cleanup.
        await tx.image.delete({ where: { id: image.id } });
        if (image.storageKey) removedKeys.push(image.storageKey);
        counts.deleted += 1;
      }
    }
    // Sessions, API tokens, password links, memberships and the (now empty) personal project go with the account (cascade).
    await tx.user.delete({ where: { id: row.id } });
    await recordAudit(tx, admin, {
      action: "user.delete",
      objectId: row.id,
      before: { email: row.email, name: row.name, role: row.role },
      after: { images, ...counts },
    });
    return ok({ id: row.id, email: row.email, ...counts });
  });
  // The bytes go once no record names them; a failure here leaves files without a record, never the reverse.
  if (result.ok) for (const key of removedKeys) await deps.store.remove(key);
  return result;
}
