import { addMemberSchema, createProjectSchema, memberRoleSchema, shareTargetSchema, updateProjectSchema } from "../projects/schemas";
import { defineOperation } from "./operation";
import {
  memberListSchema,
  memberParamsSchema,
  memberSchema,
  projectIdParamsSchema,
  projectListQuerySchema,
  projectListSchema,
  projectSchema,
  shareListSchema,
  shareParamsSchema,
  shareSchema,
} from "./project-schemas";
import { imageIdParamsSchema } from "./schemas";

// Projects, their members, and sharing images between projects and users (docs/decisions.md, "Projects").

export const listProjectsOperation = defineOperation({
  operationId: "listProjects",
  method: "get",
  path: "/projects",
  summary: "List projects",
  description:
    "The projects you are a member of, your personal project first, each with your role and its usage against its quota. " +
    "A token limited to one project sees only that one. Administrators list every project with `all=true`.",
  tag: "Projects",
  auth: true,
  query: projectListQuerySchema,
  success: { status: 200, description: "The projects.", schema: projectListSchema },
  errors: ["unauthenticated", "invalid", "forbidden"],
});

export const createProjectOperation = defineOperation({
  operationId: "createProject",
  method: "post",
  path: "/projects",
  summary: "Create a team project",
  description:
    "Administrators, and members of the groups single sign-on allows to (HANGAR_OIDC_PROJECT_CREATOR_GROUPS, HANGAR_LDAP_PROJECT_CREATOR_GROUPS), " +
    "create team projects; the creator becomes its first owner. " +
    "Only administrators give it a quota (`quotaBytes`: bytes, or a size such as `500GiB`; omitted or null: the configured default).",
  tag: "Projects",
  auth: true,
  body: createProjectSchema,
  bodyExample: { name: "build-team" },
  success: { status: 201, description: "The new project.", schema: projectSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "conflict", "too_large"],
});

export const getProjectOperation = defineOperation({
  operationId: "getProject",
  method: "get",
  path: "/projects/{projectId}",
  summary: "Get a project",
  description: "A project you are a member of (any project for administrators), with its usage. Any other answers 404, like a missing one.",
  tag: "Projects",
  auth: true,
  params: projectIdParamsSchema,
  success: { status: 200, description: "The project.", schema: projectSchema },
  errors: ["unauthenticated", "not_found"],
});

export const updateProjectOperation = defineOperation({
  operationId: "updateProject",
  method: "patch",
  path: "/projects/{projectId}",
  summary: "Rename a team project or set its quota",
  description:
    "`name`: owners and administrators, team projects only. `quotaBytes`: administrators only; bytes, a size such as `500GiB`, or null for the configured default. " +
    "Everything is checked first: nothing changes unless all of it may.",
  tag: "Projects",
  auth: true,
  params: projectIdParamsSchema,
  body: updateProjectSchema,
  bodyExample: { name: "ci-images" },
  success: { status: 200, description: "The project after the change.", schema: projectSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "not_found", "conflict", "too_large"],
});

export const deleteProjectOperation = defineOperation({
  operationId: "deleteProject",
  method: "delete",
  path: "/projects/{projectId}",
  summary: "Delete a team project",
  description: "Administrators only, and only once it holds no image (delete them first: nothing is orphaned). Personal projects go with their user.",
  tag: "Projects",
  auth: true,
  admin: true,
  params: projectIdParamsSchema,
  success: { status: 204, description: "Deleted, with its memberships, the shares it received and the tokens limited to it." },
  errors: ["unauthenticated", "forbidden", "not_found", "conflict"],
});

export const listMembersOperation = defineOperation({
  operationId: "listProjectMembers",
  method: "get",
  path: "/projects/{projectId}/members",
  summary: "List a project's members",
  description: "Every member sees who else is one; owners first.",
  tag: "Projects",
  auth: true,
  params: projectIdParamsSchema,
  success: { status: 200, description: "The members.", schema: memberListSchema },
  errors: ["unauthenticated", "not_found"],
});

export const addMemberOperation = defineOperation({
  operationId: "addProjectMember",
  method: "post",
  path: "/projects/{projectId}/members",
  summary: "Add a member",
  description: "Owners and administrators add a user, by email, with a role: viewer, member or owner. Personal projects have no other members (409).",
  tag: "Projects",
  auth: true,
  params: projectIdParamsSchema,
  body: addMemberSchema,
  bodyExample: { email: "other@hangar.local", role: "viewer" },
  success: { status: 201, description: "The new membership.", schema: memberSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "not_found", "conflict", "too_large"],
});

export const updateMemberOperation = defineOperation({
  operationId: "updateProjectMember",
  method: "patch",
  path: "/projects/{projectId}/members/{userId}",
  summary: "Change a member's role",
  description: "Owners and administrators; a project keeps at least one owner (409).",
  tag: "Projects",
  auth: true,
  params: memberParamsSchema,
  body: memberRoleSchema,
  bodyExample: { role: "member" },
  success: { status: 200, description: "The membership after the change.", schema: memberSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "not_found", "conflict", "too_large"],
});

export const removeMemberOperation = defineOperation({
  operationId: "removeProjectMember",
  method: "delete",
  path: "/projects/{projectId}/members/{userId}",
  summary: "Remove a member",
  description: "Owners and administrators; a project keeps at least one owner (409). Tokens of the removed user stop reaching the project at once.",
  tag: "Projects",
  auth: true,
  params: memberParamsSchema,
  success: { status: 204, description: "Removed." },
  errors: ["unauthenticated", "forbidden", "not_found", "conflict"],
});

export const listProjectSharesOperation = defineOperation({
  operationId: "listProjectShares",
  method: "get",
  path: "/projects/{projectId}/shares",
  summary: "What a project shares",
  description: "The shares of the project's images, with their recipients. What others share with the project: GET /images?scope=shared&project=ID.",
  tag: "Projects",
  auth: true,
  params: projectIdParamsSchema,
  success: { status: 200, description: "The shares.", schema: shareListSchema },
  errors: ["unauthenticated", "not_found"],
});

export const listImageSharesOperation = defineOperation({
  operationId: "listImageShares",
  method: "get",
  path: "/images/{id}/shares",
  summary: "Who an image is shared with",
  description: "For the members of the image's project and administrators; those the image is shared with do not see its other recipients (403).",
  tag: "Images",
  auth: true,
  params: imageIdParamsSchema,
  success: { status: 200, description: "The shares.", schema: shareListSchema },
  errors: ["unauthenticated", "forbidden", "not_found", "conflict"],
});

export const shareImageOperation = defineOperation({
  operationId: "shareImage",
  method: "post",
  path: "/images/{id}/shares",
  summary: "Share an image",
  description:
    "Gives a team project (`project`: its id or name) or a user (`user`: an email) read access to a private image: they see it in their lists, marked as shared, " +
    "download it and use it as an instance source. Owners of the image's project and administrators. Sharing again with the same recipient answers the existing share.",
  tag: "Images",
  auth: true,
  params: imageIdParamsSchema,
  body: shareTargetSchema,
  bodyExample: { user: "other@hangar.local" },
  success: { status: 201, description: "The share.", schema: shareSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "not_found", "conflict", "too_large"],
});

export const unshareImageOperation = defineOperation({
  operationId: "unshareImage",
  method: "delete",
  path: "/images/{id}/shares/{shareId}",
  summary: "Revoke a share",
  description: "The recipients stop seeing the image at their next request. Owners of the image's project and administrators.",
  tag: "Images",
  auth: true,
  params: shareParamsSchema,
  success: { status: 204, description: "Revoked." },
  errors: ["unauthenticated", "forbidden", "not_found", "conflict"],
});

export const PROJECT_OPERATIONS = [
  listProjectsOperation,
  createProjectOperation,
  getProjectOperation,
  updateProjectOperation,
  deleteProjectOperation,
  listMembersOperation,
  addMemberOperation,
  updateMemberOperation,
  removeMemberOperation,
  listProjectSharesOperation,
  listImageSharesOperation,
  shareImageOperation,
  unshareImageOperation,
] as const;
