import type { Actor } from "../auth/actor";
import { judgePlatformAddition } from "../catalog/policy";
import { actorOf, type Viewer } from "../catalog/image-view";
import { loadProjectFor } from "../catalog/project-access";
import { projectUsage, quotaLimit } from "../catalog/usage";
import { defaultProjectId } from "../projects/personal";
import type { UploadDeps } from "./deps";

/** What the browser checks before the first byte, with the same figures the server will. */
export interface UploadLimits {
  maxImageSize: number;
  /** Private images of the project uploaded to: bytes used and its quota, or null without a quota. */
  quota: { used: number; limit: number } | null;
  canUploadPlatform: boolean;
}

/** The limits of an upload into `projectId` (default: the actor's personal project, or their token's). */
export async function uploadLimitsFor(deps: UploadDeps, who: Actor | Viewer, projectId: string | null = null): Promise<UploadLimits> {
  const { maxImageSize } = deps.config;
  const actor = actorOf(who);
  const id = projectId ?? (await defaultProjectId(deps.db, actor));
  // A project the actor may not see tells nothing of its quota: the upload itself is refused later.
  const project = await loadProjectFor(deps, who, "view", id);
  const limit = project.ok ? quotaLimit(project.value, deps.config.userQuota) : null;
  return {
    maxImageSize,
    quota: limit === null ? null : { used: await projectUsage(deps.db, id), limit },
    canUploadPlatform: judgePlatformAddition(actor).decision === "allow",
  };
}
