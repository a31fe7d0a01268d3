import { z } from "zod";
import { PROJECT_ROLES } from "../catalog/actions";
import { emailSchema, quotaSchema } from "../accounts/schemas";
import { imageNameSchema } from "../catalog/image-name";

/**
 * A team project's name: checked like an image name (NFC, no invisible characters, no mixed
 * scripts), and without "@", which marks the personal projects (named after their user's email).
 */
export const projectNameSchema = z
  .string({ error: "Give the project a name." })
  .pipe(imageNameSchema)
  .refine((name) => !name.includes("@"), 'Project names cannot contain "@": the names with one are the personal projects of users.')
  .refine((name) => name.length <= 100, "Project names are at most 100 characters.");

export const createProjectSchema = z.object({ name: projectNameSchema, quotaBytes: quotaSchema.optional() }).strict();

export const updateProjectSchema = z.object({ name: projectNameSchema.optional(), quotaBytes: quotaSchema.optional() }).strict();

export const projectRoleSchema = z.enum(PROJECT_ROLES, { error: `Choose a role: ${PROJECT_ROLES.join(", ")}.` });

export const addMemberSchema = z.object({ email: emailSchema, role: projectRoleSchema }).strict();

export const memberRoleSchema = z.object({ role: projectRoleSchema }).strict();

/** Who to share an image with: a team project (by id or name) or a user (by email), exactly one. */
export const shareTargetSchema = z
  .object({
    project: z.string().trim().min(1, "Name the project to share with.").max(255).optional(),
    user: emailSchema.optional(),
  })
  .strict()
  .refine((target) => (target.project === undefined) !== (target.user === undefined), {
    error: "Share with one project or one user: give project or user, not both.",
    path: ["project"],
  });

export type ShareTarget = z.output<typeof shareTargetSchema>;
