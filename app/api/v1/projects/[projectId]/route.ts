import { deleteProjectOperation, getProjectOperation, updateProjectOperation } from "@/lib/api/project-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { deleteProject, getProject, updateProject } from "@/lib/projects/projects";
import { projectDeps } from "@/lib/projects/runtime";
import { ok } from "@/lib/result";

export const GET = apiRoute(getProjectOperation, ({ actor, params }) => getProject(projectDeps(), actor, params.projectId));
export const PATCH = apiRoute(updateProjectOperation, ({ actor, params, body }) => updateProject(projectDeps(), actor, params.projectId, body));
export const DELETE = apiRoute(deleteProjectOperation, async ({ actor, params }) => {
  const deleted = await deleteProject(projectDeps(), actor, params.projectId);
  return deleted.ok ? ok(null) : deleted;
});
export const POST = methodNotAllowed(["GET", "PATCH", "DELETE"]);
export const PUT = POST;
