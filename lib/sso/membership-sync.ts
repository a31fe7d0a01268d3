import type { ProjectRole, WantedMembership } from "./groups";

/** A membership a user holds now, as ProjectMember will record it: `source` says whether single sign-on gave it or a person did. */
export interface HeldMembership {
  project: string;
  role: ProjectRole;
  source: "manual" | "sso";
}

export type MembershipChange =
  | { kind: "add"; project: string; role: ProjectRole }
  | { kind: "update"; project: string; from: ProjectRole; to: ProjectRole }
  | { kind: "remove"; project: string; role: ProjectRole };

/**
 * What a sign-in changes in the user's project memberships so that those single sign-on gave match
 * the groups the provider sends now: a mapped group adds its project, a role that changed is
 * updated, a group the user left removes what it gave. A membership a person gave ("manual") is
 * never touched, whatever the groups say: an owner's decision outranks the directory.
 * lib/sso/project-sync.ts resolves the names to team projects and writes the changes at every sign-in.
 */
export function planMembershipSync(held: readonly HeldMembership[], wanted: readonly WantedMembership[]): MembershipChange[] {
  const byProject = new Map(held.map((membership) => [membership.project, membership]));
  const wantedProjects = new Set(wanted.map((membership) => membership.project));
  const changes: MembershipChange[] = [];
  for (const { project, role } of wanted) {
    const current = byProject.get(project);
    if (!current) changes.push({ kind: "add", project, role });
    else if (current.source === "sso" && current.role !== role) changes.push({ kind: "update", project, from: current.role, to: role });
  }
  for (const { project, role, source } of held) if (source === "sso" && !wantedProjects.has(project)) changes.push({ kind: "remove", project, role });
  return changes;
}
