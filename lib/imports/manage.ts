import fs from "node:fs";
import type { Actor } from "../auth/actor";
import { removeImageRecord } from "../catalog/lifecycle";
import { every } from "../periodic";
import { fail, ok, type Result } from "../result";
import type { ImportDeps } from "./deps";
import { isRunning, NOTE_EVERY_MS, removeImportFiles, runImport, stopImport } from "./run";
import { importView, type ImportView } from "./view";

const NOT_FOUND = "No such import: it was never made, or is not yours.";

/** An import belongs to whoever started it: for anyone else, admins included, it does not exist, as an upload. */
async function importOf(deps: ImportDeps, actor: Actor | null, id: string) {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const row = /^[0-9a-f]{32}$/.test(id) ? await deps.db.imageImport.findUnique({ where: { id } }) : null;
  if (!row || row.userId !== actor.id) return fail("not_found", NOT_FOUND);
  return ok(row);
}

export async function getImport(deps: ImportDeps, actor: Actor | null, id: string): Promise<Result<ImportView>> {
  const row = await importOf(deps, actor, id);
  return row.ok ? ok(importView(row.value)) : row;
}

/**
 * Cancels an import still downloading: its image and bytes go. The node running it stops at once when it
 * is this one, else at its next progress note. An import that already ended is answered as it is.
 */
export async function cancelImport(deps: ImportDeps, actor: Actor | null, id: string): Promise<Result<ImportView>> {
  const found = await importOf(deps, actor, id);
  if (!found.ok) return found;
  const { count } = await deps.db.imageImport.updateMany({ where: { id, status: "downloading" }, data: { status: "cancelled", message: "Cancelled." } });
  if (count > 0) {
    await stopImport(id);
    if (found.value.imageId) await removeImageRecord(deps.db, found.value.imageId, ["uploading"], { storageKey: null });
    await removeImportFiles(deps, id);
  }
  return ok(importView(await deps.db.imageImport.findUniqueOrThrow({ where: { id } })));
}

/** An import whose progress has not moved for this long has no node running it (a restart, a crash): another takes it up. */
export const STALE_MS = 5 * NOTE_EVERY_MS;

/**
 * Takes up the imports no node runs any more: at start (after a restart) and every few seconds, so that a
 * node's crash is covered by another. Claimed with a conditional write on the last progress time, so two
 * nodes never run one import. Returns the ids taken up.
 */
export async function resumePendingImports(deps: ImportDeps, now = new Date()): Promise<string[]> {
  const stale = await deps.db.imageImport.findMany({ where: { status: "downloading", updatedAt: { lt: new Date(now.getTime() - STALE_MS) } } });
  const taken: string[] = [];
  for (const row of stale) {
    if (isRunning(row.id)) continue;
    const { count } = await deps.db.imageImport.updateMany({ where: { id: row.id, updatedAt: row.updatedAt }, data: { status: "downloading" } });
    if (count === 0) continue;
    taken.push(row.id);
    void runImport(deps, row.id).catch((error: unknown) => console.error(`import ${row.id}:`, error));
  }
  // An import cut short between its hand-over and its end: the upload finish (its own job) completes the image.
  const handed = await deps.db.imageImport.findMany({
    where: { status: "finishing", updatedAt: { lt: new Date(now.getTime() - STALE_MS) } },
    include: { image: true },
  });
  for (const row of handed) {
    if (row.image?.status === "uploading") continue;
    await deps.db.imageImport.updateMany({
      where: { id: row.id, status: "finishing" },
      data: row.image ? { status: "done" } : { status: "failed", message: "The image was deleted." },
    });
  }
  return taken;
}

/** Resumes the imports no node runs, at start and every STALE_MS. */
export function startImportJobs(deps: ImportDeps): () => Promise<void> {
  fs.mkdirSync(deps.downloadDir, { recursive: true });
  return every(STALE_MS, "imports", async () => {
    const taken = await resumePendingImports(deps);
    return taken.length ? `resumed ${taken.join(", ")}` : null;
  });
}
