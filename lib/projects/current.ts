import type { Actor } from "../auth/actor";
import { nameKey } from "../catalog/image-name";
import { ensurePersonalProject } from "./personal";
import type { ProjectDeps } from "./deps";
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
 * answered as one that does not exist.
 */
export async function currentProject(
  deps: ProjectDeps,
  actor: Actor,
  requested: string | null,
): Promise<{ project: ProjectSummary; projects: ProjectSummary[] } | null> {
  const id = requested === null ? (await ensurePersonalProject(deps.db, actor)).id : await projectIdOf(deps, requested);
  if (id === null) return null;
  const [projects, project] = await Promise.all([listProjects(deps, actor), getProject(deps, actor, id)]);
  if (!projects.ok || !project.ok) return null;
  return { project: project.value, projects: projects.value };
}
