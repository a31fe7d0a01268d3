import type { Db } from "../db/client";

/** What projects need: the database, and the quota a project has unless an administrator set its own. */
export interface ProjectDeps {
  db: Db;
  /** HANGAR_USER_QUOTA in bytes; null for no quota. */
  defaultQuota: number | null;
}
