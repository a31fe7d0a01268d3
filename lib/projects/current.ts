import type { Actor } from "../auth/actor";
import { ensurePersonalProject } from "./personal";
import type { ProjectDeps } from "./deps";
import { getProject, listProjects, type ProjectSummary } from "./projects";

/**
 * The project the catalog shows (the one the URL names, else the actor's personal project) and the
 * actor's projects to switch to; null when the URL names a project the actor may not see.
 */
export async function currentProject(
  deps: ProjectDeps,
  actor: Actor,
  requestedId: string | null,
): Promise<{ project: ProjectSummary; projects: ProjectSummary[] } | null> {
  const id = requestedId ?? (await ensurePersonalProject(deps.db, actor)).id;
  const [projects, project] = await Promise.all([listProjects(deps, actor), getProject(deps, actor, id)]);
  if (!projects.ok || !project.ok) return null;
  return { project: project.value, projects: projects.value };
}
