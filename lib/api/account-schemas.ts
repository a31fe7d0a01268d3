import { z } from "zod";
import { AUTH_SOURCES } from "../accounts/schemas";
import { ROLES } from "../auth/actor";

// The response shapes of user administration; the requests are the domain's own schemas
// (lib/accounts/schemas.ts), so validation and the document agree.

const time = z.iso.datetime();

export const accountSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  projectCreator: z.boolean().meta({
    description:
      "May create team projects: given at each sign-in by a single sign-on group (HANGAR_OIDC_PROJECT_CREATOR_GROUPS, HANGAR_LDAP_PROJECT_CREATOR_GROUPS). Administrators always may.",
  }),
  status: z.enum(["active", "invited", "disabled"]).meta({ description: "invited: the account has no way to sign in yet (its password link is unused)." }),
  source: z
    .enum(AUTH_SOURCES)
    .meta({ description: "How the account signs in: local (a Hangar password), oidc or ldap (made or taken over by a single sign-on)." }),
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

export const passwordLinkSchema = z.object({ url: z.string(), expiresAt: time }).meta({
  description: "A one-time link that sets the password. Shown once: Hangar keeps only its hash. Give it to the person; it works once, until expiresAt.",
});

export const createdAccountSchema = z.object({
  user: accountSchema,
  invitation: passwordLinkSchema,
});

export const passwordResetSchema = z.object({ user: accountSchema, link: passwordLinkSchema });

export const deletedAccountSchema = z.object({
  id: z.string(),
  email: z.string(),
  transferred: z.number().int().meta({ description: "Private images given to the other user." }),
  deleted: z.number().int().meta({ description: "Images deleted with their files (uploads in progress always are)." }),
  platformReassigned: z.number().int().meta({ description: "Platform images the user had added, now the deleting administrator's." }),
});
