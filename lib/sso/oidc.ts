import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import type { OidcConfig } from "./config";
import type { SsoProfile } from "./provision";

type Claims = Record<string, unknown>;

const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);

/**
 * The user's groups from the configured claim: a list of names (Keycloak, Authentik, Entra ID's
 * object ids), or one name, or a space- or comma-separated string as some providers send.
 */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string" && item.length > 0);
  if (typeof value === "string")
    return value
      .split(/[\s,]+/)
      .map((part) => part.trim())
      .filter(Boolean);
  return [];
}

/** What the provider said about the user (ID token and userinfo claims), as provisioning takes it; the subject is only unique within its issuer. */
export function ssoProfileOf(config: OidcConfig, claims: Claims): SsoProfile {
  const given = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(" ");
  return {
    source: "oidc",
    externalId: `${config.issuer}#${String(claims.sub)}`,
    email: text(claims.email),
    emailVerified: claims.email_verified === true || claims.email_verified === "true",
    name: text(claims.name) ?? (given || null) ?? text(claims.preferred_username),
    groups: groupsFromClaim(claims[config.groupsClaim]),
  };
}

/** next-auth's id for the provider: its callback is /api/auth/callback/oidc, the redirect URI to register at the provider. */
export const OIDC_PROVIDER_ID = "oidc";

/**
 * next-auth's provider for an OpenID Connect issuer: endpoints from its discovery document, the
 * authorization code flow with PKCE, state and nonce, the ID token checked by openid-client (issuer,
 * audience, signature, nonce). Claims come from the ID token and the userinfo endpoint together, since
 * providers put groups in one or the other (Keycloak in both, oidc-provider and Authentik in userinfo).
 * `profile` hands the claims on whole: provisioning (lib/sso/provision.ts) reads them in the signIn callback.
 */
export function oidcProvider(config: OidcConfig): OAuthConfig<Claims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: "oauth",
    wellKnown: `${config.issuer}/.well-known/openid-configuration`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    // A public client (no secret) authenticates with PKCE alone.
    client: config.clientSecret ? {} : { token_endpoint_auth_method: "none" },
    authorization: { params: { scope: config.scopes } },
    checks: ["pkce", "state", "nonce"],
    idToken: true,
    userinfo: {
      async request({ client, tokens }) {
        // With idToken, next-auth hands over openid-client's TokenSet, whose ID token it has checked.
        const set = tokens as unknown as TokenSet;
        const claims = set.claims() as Claims;
        if (!client.issuer.metadata.userinfo_endpoint) return claims;
        const info = (await client.userinfo(set)) as Claims;
        // The userinfo's subject must be the ID token's (OpenID Connect Core 5.3.2): else it is someone else's answer.
        if (info.sub !== claims.sub) throw new Error("The provider's userinfo names another subject than its ID token.");
        return { ...claims, ...info };
      },
    },
    profile(claims) {
      return { id: String(claims.sub), email: text(claims.email), name: text(claims.name) };
    },
  };
}
