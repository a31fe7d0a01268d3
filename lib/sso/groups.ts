import { ConfigError } from "../config-error";
import { projectNameSchema } from "../projects/schemas";

/** A project role, weakest first (issue 14's viewer, member, owner), as ProjectMember.role will hold it. */
export const PROJECT_ROLES = ["viewer", "member", "owner"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/** A project membership the groups give: the project's name and the role in it. */
export interface WantedMembership {
  project: string;
  role: ProjectRole;
}

/** What a provider's groups give: the admin role, the right to create projects, and membership of projects. From HANGAR_OIDC_* or HANGAR_LDAP_* (README, "Single sign-on"). */
export interface GroupMapping {
  /** Members of any of these are administrators, and nobody else is; empty: single sign-on leaves roles to administrators. */
  adminGroups: string[];
  /** Members of any of these may create team projects, and no other user may; empty: single sign-on leaves that right alone. */
  creatorGroups: string[];
  projects: { group: string; project: string; role: ProjectRole }[];
  /** LDAP group names and DNs compare without case, as the directory does; OIDC claim values are compared exactly. */
  ignoreCase: boolean;
}

const list = (value: string | undefined, separator: RegExp) =>
  (value ?? "")
    .split(separator)
    .map((part) => part.trim())
    .filter(Boolean);

/** A comma-separated list of group names (HANGAR_OIDC_ADMIN_GROUPS). LDAP DNs hold commas: there, a semicolon separates. */
export function parseGroupList(value: string | undefined, separator: RegExp = /,/): string[] {
  return list(value, separator);
}

const isRole = (text: string): text is ProjectRole => (PROJECT_ROLES as readonly string[]).includes(text);

/**
 * Group-to-project mappings: entries `GROUP=PROJECT` or `GROUP=PROJECT:ROLE` (viewer, member or
 * owner; member by default) separated by semicolons or new lines. The entry is split at its last
 * "=", so that a group may be an LDAP DN; a project name cannot hold "=". Throws a message naming
 * the variable and the entry, for the server to stop at start.
 */
export function parseGroupProjects(value: string | undefined, variable: string): GroupMapping["projects"] {
  return list(value, /[;\n]/).map((entry) => {
    const eq = entry.lastIndexOf("=");
    const group = entry.slice(0, Math.max(eq, 0)).trim();
    let project = entry.slice(eq + 1).trim();
    let role: ProjectRole = "member";
    const colon = project.lastIndexOf(":");
    if (colon >= 0) {
      const suffix = project.slice(colon + 1).trim();
      if (!isRole(suffix)) throw new ConfigError(`${variable}: the role in "${entry}" is "${suffix}"; use one of ${PROJECT_ROLES.join(", ")}.`);
      role = suffix;
      project = project.slice(0, colon).trim();
    }
    if (eq <= 0 || !group || !project)
      throw new ConfigError(`${variable}: "${entry}" is not GROUP=PROJECT or GROUP=PROJECT:ROLE (ROLE one of ${PROJECT_ROLES.join(", ")}).`);
    // The project is created at the first sign-in that needs it (lib/sso/project-sync.ts): its name must be one a team project can have.
    const name = projectNameSchema.safeParse(project);
    if (!name.success) throw new ConfigError(`${variable}: the project in "${entry}" cannot be a team project's name: ${name.error.issues[0]?.message}`);
    return { group, project: name.data, role };
  });
}

/** The names a group goes by: itself, and for an LDAP DN ("cn=ops,ou=groups,dc=example,dc=com") the value of its first part ("ops"). */
function namesOf(group: string): string[] {
  const first = /^[A-Za-z][\w-]*=((?:\\.|[^,\\])+)/.exec(group)?.[1];
  return first && first !== group ? [group, first.replace(/\\(.)/g, "$1")] : [group];
}

/**
 * What the user's groups give under a mapping: whether they are an administrator and whether they may create projects
 * (each null when its groups are not configured: single sign-on leaves it alone), and their project roles.
 */
export function accessFromGroups(
  mapping: GroupMapping,
  groups: readonly string[],
): { admin: boolean | null; projectCreator: boolean | null; memberships: WantedMembership[] } {
  const fold = (text: string) => (mapping.ignoreCase ? text.toLowerCase() : text);
  const held = new Set(groups.flatMap(namesOf).map(fold));
  const holds = (group: string) => held.has(fold(group));
  const anyOf = (configured: string[]) => (configured.length === 0 ? null : configured.some(holds));
  const best = new Map<string, ProjectRole>();
  for (const { group, project, role } of mapping.projects) {
    if (!holds(group)) continue;
    const current = best.get(project);
    if (!current || PROJECT_ROLES.indexOf(role) > PROJECT_ROLES.indexOf(current)) best.set(project, role);
  }
  return {
    admin: anyOf(mapping.adminGroups),
    projectCreator: anyOf(mapping.creatorGroups),
    memberships: [...best].map(([project, role]) => ({ project, role })),
  };
}
