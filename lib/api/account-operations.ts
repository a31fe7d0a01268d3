import { z } from "zod";
import { accountListQuerySchema } from "../accounts/list";
import { createAccountSchema, updateAccountSchema } from "../accounts/schemas";
import { accountPageSchema, accountSchema, createdAccountSchema, deletedAccountSchema, passwordResetSchema } from "./account-schemas";
import { defineOperation } from "./operation";

export const userParamsSchema = z.object({
  userId: z.string().min(1).max(320).meta({ description: "The user's id, or their email." }),
});

export const listUsersOperation = defineOperation({
  operationId: "listUsers",
  method: "get",
  path: "/users",
  summary: "List users",
  description: "Every account, by email, with its role, status and its storage.",
  tag: "Users",
  auth: true,
  admin: true,
  query: accountListQuerySchema,
  success: { status: 200, description: "One page of users.", schema: accountPageSchema },
  errors: ["unauthenticated", "forbidden", "invalid"],
});

export const createUserOperation = defineOperation({
  operationId: "createUser",
  method: "post",
  path: "/users",
  summary: "Add a user",
  description:
    "Creates the account and answers its invitation: a one-time link that sets the password, shown only in this answer (Hangar sends no mail). " +
    "The link expires after HANGAR_INVITATION_TTL (7 days by default).",
  tag: "Users",
  auth: true,
  admin: true,
  body: createAccountSchema,
  bodyExample: { email: "alice@example.com", name: "Alice Martin", role: "user", quotaBytes: "500GiB" },
  success: { status: 201, description: "The account and its invitation.", schema: createdAccountSchema },
  errors: ["unauthenticated", "forbidden", "invalid", "conflict", "too_large"],
});

export const getUserOperation = defineOperation({
  operationId: "getUser",
  method: "get",
  path: "/users/{userId}",
  summary: "Get a user",
  tag: "Users",
  auth: true,
  admin: true,
  params: userParamsSchema,
  success: { status: 200, description: "The user.", schema: accountSchema },
  errors: ["unauthenticated", "forbidden", "not_found"],
});

export const updateUserOperation = defineOperation({
  operationId: "updateUser",
  method: "patch",
  path: "/users/{userId}",
  summary: "Change a user: name, role, quota, disabled",
  description:
    "Send only what changes; everything is checked first and nothing changes unless all of it can. `disabled: true` ends the user's sessions at once " +
    "and refuses their sign-ins and API tokens until `disabled: false`. Administrators cannot change their own role or disable themselves, and the last " +
    "active administrator cannot be demoted or disabled.",
  tag: "Users",
  auth: true,
  admin: true,
  params: userParamsSchema,
  body: updateAccountSchema,
  bodyExample: { name: "Alice Martin-Durand", quotaBytes: "1TiB" },
  success: { status: 200, description: "The user after the change.", schema: accountSchema },
  errors: ["unauthenticated", "forbidden", "not_found", "invalid", "conflict", "too_large"],
});

export const deleteUserQuerySchema = z.object({
  images: z.enum(["delete", "transfer"]).meta({ description: "What happens to the user's private images.", examples: ["delete"] }),
  transferTo: z
    .string()
    .max(320)
    .optional()
    .meta({ description: "With images=transfer: the user (id or email) whose personal project gets them, or a team project (id or name)." }),
});

export const deleteUserOperation = defineOperation({
  operationId: "deleteUser",
  method: "delete",
  path: "/users/{userId}",
  summary: "Delete a user",
  description:
    "Deletes the account with its sessions, API tokens and uploads in progress, after its private images are given to another user " +
    "(renamed with “(from NAME)” where that user has the name already) or deleted. Platform images it added stay, as the caller's.",
  tag: "Users",
  auth: true,
  admin: true,
  params: userParamsSchema,
  query: deleteUserQuerySchema,
  success: { status: 200, description: "What became of the user's images.", schema: deletedAccountSchema },
  errors: ["unauthenticated", "forbidden", "not_found", "invalid", "conflict"],
});

export const resetUserPasswordOperation = defineOperation({
  operationId: "resetUserPassword",
  method: "post",
  path: "/users/{userId}/password-reset",
  summary: "Reset a user's password",
  description:
    "The password stops working, every session and API token of the user ends, and the answer holds a one-time link for them to choose a new one " +
    "(shown only here).",
  tag: "Users",
  auth: true,
  admin: true,
  params: userParamsSchema,
  success: { status: 200, description: "The user and the link.", schema: passwordResetSchema },
  errors: ["unauthenticated", "forbidden", "not_found", "conflict"],
});

/** User administration, in the order the document lists them. */
export const ACCOUNT_OPERATIONS = [
  listUsersOperation,
  createUserOperation,
  getUserOperation,
  updateUserOperation,
  deleteUserOperation,
  resetUserPasswordOperation,
] as const;
