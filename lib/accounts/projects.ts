import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";

/**
 * INTEGRATION POINTS with projects (issue 14, "Projects and sharing": Project, ProjectMember and the
 * policy live on the projects branch). Everything accounts, single sign-on and the audit trail need
 * from projects goes through this file, so that merging that branch changes these bodies and nothing
 * else. Until then there are no projects: nobody owns one, and group mappings to projects are
 * computed (lib/sso/groups.ts) but have nowhere to go.
 */

/** The ids of the projects the user owns: what a project owner may read of the audit trail. */
export const ownedProjectIds: (db: Db, userId: string) => Promise<string[]> = () => Promise.resolve([]);

/** A membership a group claim asks for: a project by name and the role in it. */
export interface WantedMembership {
  project: string;
  role: "viewer" | "member" | "owner";
}

/** What syncing a user's SSO memberships changed, for the audit trail. */
export interface MembershipChange {
  project: string;
  before: WantedMembership["role"] | null;
  after: WantedMembership["role"] | null;
}

/**
 * Makes the user's memberships with source "sso" exactly `wanted` (adding, changing and removing them;
 * memberships an owner added by hand are left alone), creating a team project a mapping names that
 * does not exist yet. Returns what changed. Until projects land there is no membership to change.
 */
export const syncSsoMemberships: (tx: Prisma.TransactionClient, userId: string, wanted: WantedMembership[]) => Promise<MembershipChange[]> = () =>
  Promise.resolve([]);
