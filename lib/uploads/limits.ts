import { userQuota as quotaOf } from "../accounts/quota";
import type { Actor } from "../auth/actor";
import { mayCreate } from "../catalog/policy";
import { storageUsage } from "../catalog/usage";
import type { UploadDeps } from "./deps";

/** What the browser checks before the first byte, with the same figures the server will. */
export interface UploadLimits {
  maxImageSize: number;
  /** Private images: bytes used and the quota, or null without a quota. */
  quota: { used: number; limit: number } | null;
  canUploadPlatform: boolean;
}

export async function uploadLimitsFor(deps: UploadDeps, actor: Actor): Promise<UploadLimits> {
  const { maxImageSize } = deps.config;
  const userQuota = await quotaOf(deps.db, actor.id, deps.config.userQuota);
  return {
    maxImageSize,
    quota: userQuota === null ? null : { used: await storageUsage(deps.db, actor.id), limit: userQuota },
    canUploadPlatform: mayCreate(actor, "platform"),
  };
}
