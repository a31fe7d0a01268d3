import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** A person the test issuer knows: the login typed on its page, and the claims it releases. */
export interface IssuerAccount {
  login: string;
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
}

/** A real OpenID provider (oidc-provider, a certified implementation) on a loopback port, for the tests of lib/sso. */
export interface OidcIssuer {
  /** The issuer URL: HANGAR_OIDC_ISSUER. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Adds or replaces a person (their groups or email change between sign-ins). */
  setAccount(account: IssuerAccount): void;
  close(): Promise<void>;
}

export const ISSUER_CLIENT = { clientId: "hangar", clientSecret: "hangar-test-client-secret-0123456789" };

/**
 * The configuration of a Hangar that signs in with the issuer on `port`: the Hangar starts first
 * (its callback URL is the issuer's redirect URI) and asks the issuer nothing until a sign-in.
 */
export const issuerHangarEnv = (port: number, extra: Record<string, string> = {}): Record<string, string> => ({
  HANGAR_OIDC_ISSUER: `http://127.0.0.1:${port}`,
  HANGAR_OIDC_CLIENT_ID: ISSUER_CLIENT.clientId,
  HANGAR_OIDC_CLIENT_SECRET: ISSUER_CLIENT.clientSecret,
  HANGAR_OIDC_NAME: "Test IdP",
  HANGAR_OIDC_ADMIN_GROUPS: "hangar-admins",
  HANGAR_OIDC_PROJECT_CREATOR_GROUPS: "platform-builders",
  HANGAR_OIDC_GROUP_PROJECTS: "developers=Builds:member",
  ...extra,
});

/**
 * Starts the issuer with one confidential client whose redirect URIs are the Hangars' callbacks
 * (`/api/auth/callback/oidc`). Its login page is oidc-provider's development interaction (a login and
 * a password field, then a consent page); the login names an account of `accounts`, and any other
 * login finds no account. Groups are released with the profile scope, as Keycloak's mapper does.
 */
export async function startOidcIssuer(port: number, hangarUrls: string[], accounts: IssuerAccount[]): Promise<OidcIssuer> {
  const known = new Map(accounts.map((account) => [account.login, account]));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(url, {
    clients: [
      {
        client_id: ISSUER_CLIENT.clientId,
        client_secret: ISSUER_CLIENT.clientSecret,
        redirect_uris: hangarUrls.map((hangar) => `${hangar}/api/auth/callback/oidc`),
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    // Every client must use PKCE here, so a Hangar that did not would fail these tests.
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    cookies: { keys: ["hangar-test-issuer-cookie-key"] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true } },
    findAccount(_ctx, id) {
      const account = known.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: account.emailVerified ?? true, name: account.name, groups: account.groups }),
      };
    },
  });
  const handle = provider.callback();
  server.on("request", (request, response) => void handle(request, response));
  return {
    url,
    ...ISSUER_CLIENT,
    setAccount(account) {
      known.set(account.login, account);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
