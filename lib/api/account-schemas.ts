import { z } from "zod";
import { ROLES } from "../auth/actor";
import { AUDIT_OBJECT_TYPES } from "../audit/actions";

// The response shapes of user administration and the audit trail; the requests are the domain's own
// schemas (lib/accounts/schemas.ts, lib/audit/query.ts), so validation and the document agree.

const time = z.iso.datetime();

export const accountSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  status: z.enum(["active", "invited", "disabled"]).meta({ description: "invited: the account has no way to sign in yet (its password link is unused)." }),
  signInMethods: z.array(z.enum(["password", "oidc", "ldap"])).meta({ description: "How the account can sign in: a Hangar password, OpenID Connect, LDAP." }),
  quotaBytes: z.number().int().nullable().meta({ description: "Its own quota in bytes; null: the server's default (HANGAR_USER_QUOTA)." }),
  usedBytes: z.number().int().meta({ description: "Bytes its private images take, uploads in progress included." }),
  imageCount: z.number().int(),
  passwordLinkExpiresAt: time.nullable().meta({ description: "When its unused invitation or reset link expires, if it has one." }),
  lastSignInAt: time.nullable(),
  disabledAt: time.nullable(),
  createdAt: time,
});

export const accountPageSchema = z.object({
  items: z.array(accountSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
});

export const passwordLinkSchema = z
  .object({ url: z.string(), expiresAt: time })
  .meta({
    description: "A one-time link that sets the password. Shown once: Hangar keeps only its hash. Give it to the person; it works once, until expiresAt.",
  });

export const createdAccountSchema = z.object({
  user: accountSchema,
  invitation: passwordLinkSchema.nullable().meta({ description: "null when local passwords are off: the user signs in through single sign-on." }),
});

export const passwordResetSchema = z.object({ user: accountSchema, link: passwordLinkSchema });

export const deletedAccountSchema = z.object({
  id: z.string(),
  email: z.string(),
  transferred: z.number().int().meta({ description: "Private images given to the other user." }),
  deleted: z.number().int().meta({ description: "Images deleted with their files (uploads in progress always are)." }),
  platformReassigned: z.number().int().meta({ description: "Platform images the user had added, now the deleting administrator's." }),
});

export const auditEventSchema = z.object({
  seq: z.number().int().meta({ description: "Increasing: the order of events, and the `before` of the next page." }),
  at: time,
  action: z.string().meta({ description: "What happened, such as `image.rename` or `session.sign_in_failed`." }),
  outcome: z.enum(["success", "failure"]),
  actor: z.object({
    id: z.string().nullable(),
    email: z.string().nullable(),
    via: z.string().nullable().meta({ description: "session, token, system, or how a sign-in happened (password, ldap, oidc, link)." }),
    credentialId: z.string().nullable().meta({ description: "The session's or the API token's id." }),
    clientAddress: z.string().nullable(),
  }),
  object: z.object({ type: z.enum(AUDIT_OBJECT_TYPES), id: z.string().nullable(), label: z.string().nullable(), projectId: z.string().nullable() }),
  before: z.record(z.string(), z.unknown()).nullable().meta({ description: "The fields that changed, as they were." }),
  after: z.record(z.string(), z.unknown()).nullable().meta({ description: "The fields that changed, as they are." }),
});

export const auditPageSchema = z.object({
  items: z.array(auditEventSchema),
  next: z.number().int().nullable().meta({ description: "Pass as `before` for the next, older page; null on the last." }),
});
