import fs from "node:fs";
import type { UploadDeps } from "./deps";
import { removeExpiredUploads } from "./expiry";
import { finishCompleteUploads } from "./finish";

/** One round of upload housekeeping: complete interrupted finishes, then remove what expired. */
export async function uploadHousekeeping(deps: UploadDeps, now = new Date()) {
  const finished = await finishCompleteUploads(deps);
  const { expired, orphans } = await removeExpiredUploads(deps, now);
  return { finished, expired, orphans };
}

/**
 * Runs housekeeping at start (a crash may have left a finish half-done) and then
 * every HANGAR_UPLOAD_CLEANUP_INTERVAL. Returns a function that stops it.
 */
export function startUploadJobs(deps: UploadDeps): () => void {
  fs.mkdirSync(deps.uploadDir, { recursive: true });
  let running: Promise<unknown> | null = null;
  const round = () => {
    if (running) return;
    running = uploadHousekeeping(deps)
      .then(({ finished, expired, orphans }) => {
        if (finished.length || expired.length || orphans.length) {
          console.log(`uploads: ${finished.length} finished, ${expired.length} expired, ${orphans.length} orphaned files removed`);
        }
      })
      .catch((error: unknown) => console.error("upload housekeeping failed", error))
      .finally(() => {
        running = null;
      });
  };
  round();
  const timer = setInterval(round, deps.config.cleanupIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
