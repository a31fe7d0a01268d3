import { createProjectOperation, listProjectsOperation } from "@/lib/api/project-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { createProject, listProjects } from "@/lib/projects/projects";
import { projectDeps } from "@/lib/projects/runtime";

export const GET = apiRoute(listProjectsOperation, ({ actor, query }) =>
  listProjects(projectDeps(), actor, query.all === "true" || query.all === "1" ? "all" : "mine"),
);
export const POST = apiRoute(createProjectOperation, ({ actor, body }) => createProject(projectDeps(), actor, body));
export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
