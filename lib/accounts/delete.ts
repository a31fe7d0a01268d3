import { type Actor, parseRole } from "../auth/actor";
import type { CatalogDeps } from "../catalog/deps";
import { nameColumns } from "../catalog/image-name";
import type { Prisma } from "../db/generated/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { activeAdminCount, findAccountRow } from "./list";
import { decideAccount } from "./policy";
import { deleteAccountSchema } from "./schemas";

export interface DeletedAccount {
  id: string;
  email: string;
  /** Private images given to the other user, and deleted (uploads in progress are always deleted). */
  transferred: number;
  deleted: number;
  /** Platform images the user had added, now the deleting administrator's. */
  platformReassigned: number;
}

/** A name free among the new owner's images: the image's own, else with who it came from, else numbered. */
async function freeName(tx: Prisma.TransactionClient, name: string, ownerId: string, from: string): Promise<string> {
  const base = `${name} (from ${from})`.slice(0, 240);
  for (const candidate of [name, base, ...Array.from({ length: 50 }, (_, i) => `${base} ${i + 2}`)]) {
    const { nameKey, nameScope } = nameColumns(candidate, "private", ownerId);
    if (!(await tx.image.findFirst({ where: { nameScope, nameKey }, select: { id: true } }))) return candidate;
  }
  throw new Error(`no free name for "${name}" among the images of ${ownerId}`);
}

/**
 * Deletes an account after its images are dealt with: its private images go to another user (renamed
 * "NAME (from PERSON)" where the new owner has that name already) or are deleted with their bytes;
 * uploads in progress are ended; platform images it added stay in the catalog, now the deleting
 * administrator's. Its sessions, API tokens and password links go with the account, in the same
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
  const target = images === "transfer" ? await findAccountRow(deps.db, transferTo) : null;
  if (images === "transfer") {
    if (!target) return fail("invalid", `There is no user "${transferTo ?? ""}" to give the images to.`, { transferTo: "No such user." });
    if (target.id === row.id) return fail("invalid", "Give the images to another user than the one deleted.", { transferTo: "Choose another user." });
    if (target.disabledAt)
      return fail("invalid", `${target.email} is disabled: give the images to an active user.`, { transferTo: "That account is disabled." });
  }

  const removedKeys: string[] = [];
  const result = await deps.db.$transaction(async (tx) => {
    const decision = decideAccount(admin, "delete", { id: row.id, role: parseRole(row.role), disabled: row.disabledAt !== null }, await activeAdminCount(tx));
    if (!decision.ok) return decision;
    const owned = await tx.image.findMany({ where: { ownerId: row.id }, select: { id: true, name: true, visibility: true, status: true, storageKey: true } });
    const counts = { transferred: 0, deleted: 0, platformReassigned: 0 };
    for (const image of owned) {
      if (image.visibility === "platform" && image.status !== "uploading") {
        await tx.image.update({ where: { id: image.id }, data: { ownerId: admin.id } });
        counts.platformReassigned += 1;
      } else if (target && image.status !== "uploading") {
        // An upload in progress cannot change hands: the client sending it acts as the deleted user.
        const name = await freeName(tx, image.name, target.id, row.name);
        await tx.image.update({ where: { id: image.id }, data: { ownerId: target.id, ...nameColumns(name, "private", target.id) } });
        counts.transferred += 1;
      } else {
        // Its upload record goes with it (cascade); the partial file, without a record, goes at the next cleanup.
        await tx.image.delete({ where: { id: image.id } });
        if (image.storageKey) removedKeys.push(image.storageKey);
        counts.deleted += 1;
      }
    }
    // Sessions, API tokens and password links go with the account (cascade).
    await tx.user.delete({ where: { id: row.id } });
    return ok({ id: row.id, email: row.email, ...counts });
  });
  // The bytes go once no record names them; a failure here leaves files without a record, never the reverse.
  if (result.ok) for (const key of removedKeys) await deps.store.remove(key);
  return result;
}
