import { db } from "../db/client";
import { uploadConfig } from "../uploads/config";
import type { ProjectDeps } from "./deps";

/** The projects' dependencies in the running portal. */
export function projectDeps(): ProjectDeps {
  return { db: db(), defaultQuota: uploadConfig().userQuota };
}
