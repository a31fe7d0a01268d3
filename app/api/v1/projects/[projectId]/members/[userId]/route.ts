import { removeMemberOperation, updateMemberOperation } from "@/lib/api/project-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { removeMember, setMemberRole } from "@/lib/projects/members";
import { projectDeps } from "@/lib/projects/runtime";
import { ok } from "@/lib/result";

export const PATCH = apiRoute(updateMemberOperation, ({ actor, params, body }) => setMemberRole(projectDeps(), actor, params.projectId, params.userId, body));
export const DELETE = apiRoute(removeMemberOperation, async ({ actor, params }) => {
  const removed = await removeMember(projectDeps(), actor, params.projectId, params.userId);
  return removed.ok ? ok(null) : removed;
});
export const GET = methodNotAllowed(["PATCH", "DELETE"]);
export const POST = GET;
export const PUT = GET;
