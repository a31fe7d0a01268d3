import { addMemberOperation, listMembersOperation } from "@/lib/api/project-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { addMember, listMembers } from "@/lib/projects/members";
import { projectDeps } from "@/lib/projects/runtime";

export const GET = apiRoute(listMembersOperation, ({ actor, params }) => listMembers(projectDeps(), actor, params.projectId));
export const POST = apiRoute(addMemberOperation, ({ actor, params, body }) => addMember(projectDeps(), actor, params.projectId, body));
export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
