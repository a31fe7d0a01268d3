import type { Actor } from "../auth/actor";
import { getProject, listProjects } from "../projects/projects";
import { ok, type Result } from "../result";
import type { GlanceDeps } from "./deps";
import { identityProjectDocument, identityProjectsDocument } from "./identity-document";

// Identity's projects, as openstackclient looks one up before naming it as an image member (`image add project`,
// `image remove project`, `image set --project`): GET /v3/projects/{id}, then GET /v3/projects?name=. The portal's
// policy decides, as for its own project pages. A user is refused the list of every project (403), as Keystone refuses
// a project-scoped member, and openstackclient then passes the name or id on as given: the image member is resolved by
// Glance (lib/glance/members.ts), where the sharing policy applies.

const projectDeps = (deps: GlanceDeps) => ({ db: deps.db, defaultQuota: deps.config.userQuota });

/** `GET /v3/projects/{id}`: a project the actor may see (a member's, within the token's limits; any, for an administrator). */
export async function showIdentityProject(deps: GlanceDeps, actor: Actor | null, id: string, root: string): Promise<Result<unknown>> {
  const found = await getProject(projectDeps(deps), actor, id);
  return found.ok ? ok({ project: identityProjectDocument(found.value, root) }) : found;
}

/** `GET /v3/projects[?name=]`: every project, to administrators only (lib/catalog/policy.ts, judgeAllProjectsListing). */
export async function listIdentityProjects(deps: GlanceDeps, actor: Actor | null, query: URLSearchParams, root: string): Promise<Result<unknown>> {
  const listed = await listProjects(projectDeps(deps), actor, "all");
  if (!listed.ok) return listed;
  const name = query.get("name");
  return ok(
    identityProjectsDocument(
      listed.value.filter((project) => name === null || project.name === name),
      root,
    ),
  );
}
