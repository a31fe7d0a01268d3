import { syncSsoMemberships } from "../accounts/projects";
import { insertUser } from "../accounts/create";
import { emailSchema, personNameSchema } from "../accounts/schemas";
import { type AuditWho, recordAudit } from "../audit/record";
import { type Actor, actorOf } from "../auth/actor";
import type { Db } from "../db/client";
import { type DomainError, fail } from "../result";
import { accessFromGroups, type GroupMapping } from "./groups";

/** Who a single sign-on provider says the user is. */
export interface SsoProfile {
  provider: "oidc" | "ldap";
  /** The OpenID Connect issuer, or the directory's user base. */
  issuer: string;
  /** What the provider knows the user by for good: OIDC's `sub`, the entry's entryUUID or objectGUID. */
  subject: string;
  email: string | null;
  /** The provider vouches for the email (OIDC's email_verified; a directory is the organisation's own record). */
  emailVerified: boolean;
  name: string | null;
  groups: string[];
}

export interface ProvisionOptions {
  groups: GroupMapping;
  /** Link to an existing account of the same email even when the provider does not say the email is verified. */
  trustEmail: boolean;
  clientAddress: string | null;
}

const PROVIDER_NAMES = { oidc: "The identity provider", ldap: "The directory" } as const;

/** Why a single sign-on is refused: a code the sign-in page can be sent (never the text itself, which anyone could put in a URL). */
export const SSO_REFUSALS = {
  no_email: (provider: string) => `${provider} did not send an email address for you, which Hangar needs: ask your administrator to release it.`,
  email_unverified: (provider: string) =>
    `An account with your email exists already, and ${provider.toLowerCase()} does not say the email is verified: ask an administrator.`,
  disabled: () => "This account is disabled. Ask an administrator.",
} as const;
export type SsoRefusal = keyof typeof SSO_REFUSALS;

export type ProvisionResult = { ok: true; value: Actor } | { ok: false; error: DomainError; refusal: SsoRefusal };

const refuse = (refusal: SsoRefusal, provider: string, code: "forbidden" | "conflict" = "forbidden"): ProvisionResult => ({
  ...fail(code, SSO_REFUSALS[refusal](provider)),
  refusal,
});

/**
 * The account a single sign-on stands for: found by the provider's id for the user; on a first sign-in
 * linked to the account of the same email (when the provider vouches for it) or created. Later
 * sign-ins bring the name and email up to date, and the groups set the admin role and the project
 * memberships they map to (HANGAR_*_ADMIN_GROUPS, HANGAR_*_GROUP_PROJECTS). Everything it changes is
 * recorded in the audit trail; a disabled account is refused.
 */
export async function provisionSsoUser(db: Db, profile: SsoProfile, options: ProvisionOptions, now = new Date()): Promise<ProvisionResult> {
  const provider = PROVIDER_NAMES[profile.provider];
  const email = emailSchema.safeParse(profile.email ?? "");
  const name = personNameSchema.safeParse(profile.name ?? "");
  const key = { provider: profile.provider, issuer: profile.issuer, subject: profile.subject };
  return db.$transaction(async (tx): Promise<ProvisionResult> => {
    const who = (user: { id: string; email: string } | null): AuditWho => ({
      id: user?.id ?? null,
      email: user?.email ?? (email.success ? email.data : null),
      via: profile.provider,
      credentialId: null,
      clientAddress: options.clientAddress,
    });
    const identity = await tx.userIdentity.findUnique({ where: { provider_issuer_subject: key }, include: { user: true } });
    let user = identity?.user ?? null;
    if (!user) {
      if (!email.success) return refuse("no_email", provider);
      const existing = await tx.user.findUnique({ where: { email: email.data } });
      if (existing && !profile.emailVerified && !options.trustEmail) return refuse("email_unverified", provider, "conflict");
      user =
        existing ??
        (await insertUser(tx, { email: email.data, name: name.success ? name.data : email.data.split("@")[0] || email.data, role: "user" }, who(null), now));
      await tx.userIdentity.create({ data: { ...key, userId: user.id, createdAt: now, lastSignInAt: now } });
    } else {
      await tx.userIdentity.update({ where: { provider_issuer_subject: key }, data: { lastSignInAt: now } });
    }
    if (user.disabledAt) return refuse("disabled", provider);

    const access = accessFromGroups(options.groups, profile.groups);
    const changes: { name?: string; email?: string; role?: string } = {};
    if (name.success && name.data !== user.name) changes.name = name.data;
    if (email.success && email.data !== user.email && !(await tx.user.findUnique({ where: { email: email.data }, select: { id: true } })))
      changes.email = email.data;
    if (access.admin !== null && (access.admin ? "admin" : "user") !== user.role) {
      // The groups never demote the last active administrator: that would leave the portal without one.
      const lastAdmin = user.role === "admin" && (await tx.user.count({ where: { role: "admin", disabledAt: null } })) <= 1;
      if (!lastAdmin) changes.role = access.admin ? "admin" : "user";
    }
    if (Object.keys(changes).length > 0) {
      const was = user;
      const before = Object.fromEntries(Object.keys(changes).map((field) => [field, was[field as keyof typeof changes]]));
      user = await tx.user.update({ where: { id: user.id }, data: changes });
      await recordAudit(tx, who(user), { action: "user.update", object: { id: user.id, label: user.email }, before, after: { ...changes } }, now);
    }
    for (const change of await syncSsoMemberships(tx, user.id, access.memberships)) {
      const action = change.before === null ? "membership.add" : change.after === null ? "membership.remove" : "membership.update";
      await recordAudit(
        tx,
        who(user),
        {
          action,
          object: { id: user.id, label: `${user.email} in ${change.project}` },
          before: { role: change.before },
          after: { role: change.after, source: "sso" },
        },
        now,
      );
    }
    return { ok: true, value: actorOf(user) };
  });
}
