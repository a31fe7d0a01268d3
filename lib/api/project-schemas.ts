import { z } from "zod";
import { SHARE_STATUSES } from "../projects/share-status";
import { PROJECT_ACTIONS, PROJECT_KINDS, PROJECT_ROLES } from "../catalog/actions";
import { personSchema } from "./schemas";

// The API's answers about projects, members and shares. Request bodies are lib/projects/schemas.ts's own.

const bytes = z.number().int().min(0);

export const projectSchema = z.object({
  id: z.string(),
  name: z.string().meta({ description: "A personal project is named after its user's email; team project names never hold an @." }),
  kind: z.enum(PROJECT_KINDS).meta({ description: "personal: one user's own (every user has one); team: created by an administrator, with members." }),
  personalUser: personSchema.nullable().meta({ description: "The user a personal project belongs to; null for a team project." }),
  role: z.enum(PROJECT_ROLES).nullable().meta({
    description: "Your role: viewer (see, download), member (also upload, edit, delete), owner (also members and sharing); null when an administrator sees it.",
  }),
  createdAt: z.iso.datetime(),
  usage: z.object({
    usedBytes: bytes.meta({ description: "Bytes its images take, uploads in progress at their declared length." }),
    quotaBytes: bytes.nullable().meta({ description: "Its own quota, set by an administrator; null when it has the configured default." }),
    limitBytes: bytes.nullable().meta({ description: "The quota that applies (its own, or the default); null for no limit." }),
  }),
  memberCount: z.number().int().min(0),
  imageCount: z.number().int().min(0),
  actions: z.array(z.enum(PROJECT_ACTIONS)).meta({ description: "What these credentials may do with the project." }),
});

export const projectListSchema = z.array(projectSchema);

export const memberSchema = z.object({
  user: personSchema,
  role: z.enum(PROJECT_ROLES),
  source: z.enum(["manual", "sso"]).meta({ description: "manual: added on the portal, the API or the CLI; sso: from a group claim at sign-in." }),
  createdAt: z.iso.datetime(),
});

export const memberListSchema = z.array(memberSchema);

export const shareSchema = z.object({
  id: z.string(),
  image: z.object({ id: z.string(), name: z.string() }),
  project: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .meta({ description: "The team project it is shared with, or null when shared with a user." }),
  user: personSchema.nullable().meta({ description: "The user it is shared with, or null when shared with a project." }),
  createdBy: personSchema.nullable().meta({ description: "Who shared it; null once that account is deleted." }),
  status: z.enum(SHARE_STATUSES).meta({
    description:
      "accepted: the recipients' lists show the image. pending and rejected (shares made through Glance's member API, until or unless the recipient project accepts): they reach it by its id only.",
  }),
  createdAt: z.iso.datetime(),
});

export const shareListSchema = z.array(shareSchema);

export const projectIdParamsSchema = z.object({ projectId: z.string().min(1).max(64).meta({ description: "The project id." }) });
export const memberParamsSchema = projectIdParamsSchema.extend({ userId: z.string().min(1).max(64).meta({ description: "The member's user id." }) });
export const shareParamsSchema = z.object({
  id: z.string().min(1).max(128).meta({ description: "The image id." }),
  shareId: z.string().min(1).max(64).meta({ description: "The share id." }),
});

export const projectListQuerySchema = z.object({
  all: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .meta({ description: "true: every project (administrators only); otherwise the projects you are a member of." }),
});
