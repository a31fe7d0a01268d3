import fs from "node:fs";
import { applyDueDeprecations } from "../catalog/deprecation-schedule";
import type { CatalogDeps } from "../catalog/deps";
import { type Leadership, soleNode } from "../cluster/leadership";
import { every } from "../periodic";
import type { UploadDeps } from "./deps";
import { removeExpiredUploads } from "./expiry";
import { finishCompleteUploads } from "./finish";

/** One round of upload housekeeping: complete interrupted finishes (`startedAt`: see finishCompleteUploads), then remove what expired. */
export async function uploadHousekeeping(deps: UploadDeps, now = new Date(), startedAt?: Date) {
  const finished = await finishCompleteUploads(deps, now, startedAt);
  const { expired, orphans, queued } = await removeExpiredUploads(deps, now);
  return { finished, expired, orphans, queued };
}

/**
 * Runs housekeeping at start (a crash may have left a finish half-done) and then
 * every HANGAR_UPLOAD_CLEANUP_INTERVAL, on the one node of the cluster that `leadership` names.
 * Returns a function that stops it.
 */
export function startUploadJobs(deps: UploadDeps, leadership: Leadership = soleNode): () => Promise<void> {
  fs.mkdirSync(deps.uploadDir, { recursive: true });
  const startedAt = new Date();
  return every(
    deps.config.cleanupIntervalMs,
    "uploads",
    async () => {
      const { finished, expired, orphans, queued } = await uploadHousekeeping(deps, new Date(), startedAt);
      if (!finished.length && !expired.length && !orphans.length && !queued.length) return null;
      return `${finished.length} finished, ${expired.length} expired, ${orphans.length} orphaned files removed, ${queued.length} images that never received bytes removed`;
    },
    leadership,
  );
}

/** How often scheduled deprecations are applied: a date takes effect within this time. */
export const DEPRECATION_INTERVAL_MS = 60_000;

/** Applies deprecations whose date has come, at start and every minute, on the node that `leadership` names (lib/catalog/deprecation-schedule.ts). */
export function startDeprecationJobs(deps: CatalogDeps, leadership: Leadership = soleNode): () => Promise<void> {
  return every(
    DEPRECATION_INTERVAL_MS,
    "deprecations",
    async () => {
      const moved = await applyDueDeprecations(deps);
      return moved.length ? moved.map(({ id, to }) => `${id} is ${to}`).join(", ") : null;
    },
    leadership,
  );
}
