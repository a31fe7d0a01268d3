import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import { type AuthSource, parseAuthSource } from "./schemas";

/** How a user proves who they are: by single sign-on there is no Hangar password to change or to confirm. */
export interface SignInMethod {
  source: AuthSource;
  hasPassword: boolean;
}

/** The names Settings gives each way of signing in. */
export const SIGN_IN_LABELS: Record<AuthSource, string> = { local: "a Hangar password", oidc: "single sign-on (OpenID Connect)", ldap: "the directory (LDAP)" };

export async function signInMethod(db: Db, actor: Actor): Promise<SignInMethod> {
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { authSource: true, passwordHash: true } });
  return { source: parseAuthSource(user?.authSource ?? "local"), hasPassword: Boolean(user?.passwordHash) };
}
