import type { CatalogDeps } from "./deps";
import { type ImageColumns, TRANSITIONS, transition, type TransitionName } from "./lifecycle";
import { removeImageBytes } from "./export";

/**
 * The dates on which a state takes effect by itself, the most advanced first, so that an image overdue for
 * several goes straight to the last. A schedule only moves an image forward: it never restores, and never
 * makes an obsolete image merely deprecated again.
 */
const DUE = [
  { column: "deleteOn", transition: "markDeleted", from: TRANSITIONS.markDeleted.from },
  { column: "obsoleteOn", transition: "obsolete", from: ["ready", "deprecated"] },
  { column: "deprecateOn", transition: "deprecate", from: ["ready"] },
] as const satisfies readonly { column: "deleteOn" | "obsoleteOn" | "deprecateOn"; transition: TransitionName; from: readonly string[] }[];

/**
 * Applies every deprecation whose date has come. Safe on every node of a cluster at once: each move is a
 * conditional write (lib/catalog/lifecycle.ts), so of two nodes moving one image one wins and the other is told
 * it lost; only the winner of a deletion removes the bytes.
 */
export async function applyDueDeprecations(deps: CatalogDeps, now = new Date()): Promise<{ id: string; to: string }[]> {
  const moved: { id: string; to: string }[] = [];
  for (const due of DUE) {
    const rows = await deps.db.image.findMany({
      where: { [due.column]: { lte: now }, status: { in: [...due.from] } },
      select: { id: true, storageKey: true, status: true, projectId: true },
    });
    for (const row of rows) {
      const columns: ImageColumns = due.transition === "markDeleted" ? { storageKey: null } : {};
      const audit = { actor: "system", action: "image.deprecate", projectId: row.projectId, before: { status: row.status } } as const;
      if (!(await transition(deps.db, row.id, due.transition, columns, { audit }))) continue;
      if (due.transition === "markDeleted" && row.storageKey) await removeImageBytes(deps, row.storageKey);
      moved.push({ id: row.id, to: TRANSITIONS[due.transition].to });
    }
  }
  return moved;
}
