import { changedFields, recordAudit } from "../audit/record";
import type { Prisma } from "../db/generated/client";
import { emailSchema, personNameSchema } from "../accounts/schemas";
import { type Actor, actorOf } from "../auth/actor";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { ensurePersonalProject } from "../projects/personal";
import { type DomainError, fail } from "../result";
import { accessFromGroups, type GroupMapping } from "./groups";
import { syncProjectMemberships } from "./project-sync";

/** Who a single sign-on provider says the user is. */
export interface SsoProfile {
  source: "oidc" | "ldap";
  /** What the provider knows the person by for good: "ISSUER#sub" for OpenID Connect, the entry's entryUUID (or DN) for LDAP. */
  externalId: string;
  email: string | null;
  /** The provider vouches for the email (OIDC's email_verified; a directory is the organisation's own record). */
  emailVerified: boolean;
  name: string | null;
  groups: string[];
}

export interface ProvisionOptions {
  groups: GroupMapping;
  /** Link to an existing local account of the same email even when the provider does not say the email is verified. */
  trustEmail: boolean;
}

const PROVIDER_NAMES = { oidc: "The identity provider", ldap: "The directory" } as const;

/** Why a single sign-on is refused: a code the sign-in page is sent to (never the text itself, which anyone could put in a URL). */
export const SSO_REFUSALS = {
  no_email: (provider: string) => `${provider} did not send an email address for you, which Hangar needs: ask your administrator to release it.`,
  email_unverified: (provider: string) =>
    `An account with your email exists already, and ${provider.toLowerCase()} does not say the email is verified: ask an administrator.`,
  email_taken: () => "An account with your email exists already and signs in another way: ask an administrator.",
  disabled: () => "This account is disabled. Ask an administrator.",
} as const;
export type SsoRefusal = keyof typeof SSO_REFUSALS;

export type ProvisionResult = { ok: true; value: Actor } | { ok: false; error: DomainError; refusal: SsoRefusal };

const refuse = (refusal: SsoRefusal, profile: SsoProfile): ProvisionResult => ({
  ...fail("forbidden", SSO_REFUSALS[refusal](PROVIDER_NAMES[profile.source])),
  refusal,
});

type User = Prisma.UserGetPayload<object>;

/**
 * The account a single sign-on stands for: found by the provider's lasting id; on a first sign-in
 * linked to the local account of the same email (when the provider vouches for the email) or
 * created, with its source recorded. Later sign-ins bring the name and email up to date, and the
 * groups set the admin role when admin groups are configured (HANGAR_*_ADMIN_GROUPS), and the right to create
 * team projects when creator groups are (HANGAR_*_PROJECT_CREATOR_GROUPS). A disabled
 * account is refused. The account gets its personal project, and the team memberships its groups
 * map to (HANGAR_*_GROUP_PROJECTS: lib/sso/project-sync.ts), all in one transaction.
 */
export async function provisionSsoUser(db: Db, profile: SsoProfile, options: ProvisionOptions, now = new Date()): Promise<ProvisionResult> {
  const email = emailSchema.safeParse(profile.email ?? "");
  const name = personNameSchema.safeParse(profile.name ?? "");
  const key = { authSource: profile.source, externalId: profile.externalId };
  const access = accessFromGroups(options.groups, profile.groups);
  const role = (current: string) => (access.admin === null ? current : access.admin ? "admin" : "user");
  const attempt = () =>
    db.$transaction(async (tx): Promise<ProvisionResult> => {
      let user: User | null = await tx.user.findUnique({ where: { authSource_externalId: key } });
      let before = user;
      if (!user) {
        if (!email.success) return refuse("no_email", profile);
        const existing = await tx.user.findUnique({ where: { email: email.data } });
        if (existing && existing.authSource !== "local") return refuse("email_taken", profile);
        if (existing && !profile.emailVerified && !options.trustEmail) return refuse("email_unverified", profile);
        if (existing?.disabledAt) return refuse("disabled", profile);
        before = existing;
        user = existing
          ? await tx.user.update({ where: { id: existing.id }, data: key })
          : await tx.user.create({
              data: {
                ...key,
                email: email.data,
                name: name.success ? name.data : email.data.split("@")[0] || email.data,
                role: role("user"),
                projectCreator: access.projectCreator ?? false,
                createdAt: now,
              },
            });
      }
      if (user.disabledAt) return refuse("disabled", profile);

      const changes: { name?: string; email?: string; role?: string; projectCreator?: boolean } = {};
      if (name.success && name.data !== user.name) changes.name = name.data;
      if (email.success && email.data !== user.email && !(await tx.user.findUnique({ where: { email: email.data }, select: { id: true } })))
        changes.email = email.data;
      if (role(user.role) !== user.role) {
        // The groups never demote the last active administrator: that would leave the portal without one.
        const lastAdmin = user.role === "admin" && (await tx.user.count({ where: { role: "admin", disabledAt: null } })) <= 1;
        if (!lastAdmin) changes.role = role(user.role);
      }
      if (access.projectCreator !== null && access.projectCreator !== user.projectCreator) changes.projectCreator = access.projectCreator;
      if (Object.keys(changes).length > 0) user = await tx.user.update({ where: { id: user.id }, data: changes });
      // The provider acts, not a person: the account's creation, linking and updates are the system's.
      const audited = (row: User) => ({ email: row.email, name: row.name, role: row.role, projectCreator: row.projectCreator, authSource: row.authSource });
      const after = audited(user);
      if (!before) await recordAudit(tx, "system", { action: "user.create", objectId: user.id, after });
      else {
        const changed = changedFields(audited(before), after);
        if (changed) await recordAudit(tx, "system", { action: "user.update", objectId: user.id, ...changed });
      }
      // Every account has its personal project (an account created here, or one made before projects that lacks it).
      await ensurePersonalProject(tx, user);
      // The groups' team memberships, in the same transaction as the account and its role: a sign-in lands with all of them or none.
      await syncProjectMemberships(tx, user.id, access.memberships);
      return { ok: true, value: actorOf(user) };
    });
  try {
    return await attempt();
  } catch (error) {
    // Two first sign-ins of one person at once: the other created the account; this attempt finds it.
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}
