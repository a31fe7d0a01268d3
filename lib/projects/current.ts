import type { Actor } from "../auth/actor";
import { nameKey } from "../catalog/image-name";
import { actorOf, type Viewer } from "../catalog/image-view";
import { ensurePersonalProject } from "./personal";
import type { ProjectDeps } from "./deps";
import { ok } from "../result";
import { getProject, listProjects, type ProjectSummary } from "./projects";

/**
 * The project a URL names (`?project=`): its id, or its name as typed (a slug people can read and
 * share, compared as names are: lib/catalog/image-name.ts's key). An id wins over a name.
 */
async function projectIdOf(deps: ProjectDeps, ref: string): Promise<string | null> {
  if (ref.length === 0 || ref.length > 255) return null;
  const row =
    (await deps.db.project.findUnique({ where: { id: ref }, select: { id: true } })) ??
    (await deps.db.project.findUnique({ where: { nameKey: nameKey(ref) }, select: { id: true } }));
  return row?.id ?? null;
}

/**
 * The project the catalog shows (the one the URL names, else the actor's personal project) and the
 * actor's projects to switch to; null when the URL names a project the actor may not see, which is
 * answered as one that does not exist. `personalProjectId` reads the personal project (the portal's, once per request).
 */
export async function currentProject(
  deps: ProjectDeps,
  who: Actor | Viewer,
  requested: string | null,
  personalProjectId = async () => (await ensurePersonalProject(deps.db, actorOf(who))).id,
): Promise<{ project: ProjectSummary; projects: ProjectSummary[] } | null> {
  const id = requested === null ? await personalProjectId() : await projectIdOf(deps, requested);
  if (id === null) return null;
  const projects = await listProjects(deps, who);
  if (!projects.ok) return null;
  // A project of the actor's own list is summarized there as getProject would (the list holds only projects the
  // actor may view); another (an administrator's look at someone's project) is read, and judged, on its own.
  const listed = projects.value.find((project) => project.id === id);
  const project = listed ? ok(listed) : await getProject(deps, who, id);
  return project.ok ? { project: project.value, projects: projects.value } : null;
}
