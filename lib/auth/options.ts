import type { LoggerInstance, NextAuthOptions } from "next-auth";
import credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client";
import { clientAddressOf } from "../http/request-context";
import { type LdapConfig, ssoConfig } from "../sso/config";
import { OIDC_PROVIDER_ID, oidcProvider } from "../sso/oidc";
import { localPasswordAllowed, signInWithLdap, signInWithOidc } from "../sso/sign-in";
import { isWellFormedText, NOT_TEXT_MESSAGE } from "../text/well-formed";
import { authSecret } from "./secret";
import { SESSION_MAX_AGE_S, endSession, startSession } from "./sessions";
import { checkPassword } from "./sign-in";

// Node loads lib/ as ES modules, where the default import of this CommonJS module is its exports object; bundlers unwrap it.
const CredentialsProvider: typeof credentials = "default" in credentials ? (credentials.default as typeof credentials) : credentials;

const passwordSchema = z.string().max(1024).refine(isWellFormedText, `The password ${NOT_TEXT_MESSAGE}.`);
const credentialsSchema = z.object({ email: z.string().trim().max(320).refine(isWellFormedText, `The email ${NOT_TEXT_MESSAGE}.`), password: passwordSchema });
const directorySchema = z.object({
  username: z.string().trim().max(256).refine(isWellFormedText, `The user name ${NOT_TEXT_MESSAGE}.`),
  password: passwordSchema,
});

// jose's errors for a token that does not decrypt or verify: ERR_JWE_INVALID, ERR_JWE_DECRYPTION_FAILED, ERR_JWT_EXPIRED...
const undecryptable = (metadata: unknown) => /^ERR_JW[ETS]_/.test(String((metadata as { code?: unknown } | undefined)?.code));

// next-auth logs with stacks and links. A session cookie that does not decrypt (garbage, or from an
// older secret) is a visitor who is signed out, not an error; anything else gets one line (a sign-out
// that could not end its session among them).
const logger: Partial<LoggerInstance> = {
  error(code, metadata) {
    if ((code === "JWT_SESSION_ERROR" || code === "SIGNOUT_ERROR") && undecryptable(metadata)) return;
    const message = metadata instanceof Error ? metadata.message : (metadata as { message?: unknown } | undefined)?.message;
    console.error(`next-auth ${code}: ${typeof message === "string" ? message : "(no message)"}`);
  },
  warn(code) {
    console.warn(`next-auth warning ${code}`);
  },
  debug() {},
};

/** What authorize hands to the jwt callback: the user and the id of the session just started. */
interface SignedIn {
  id: string;
  sid: string;
}

type Headers = Record<string, string | undefined>;

const clientOf = (headers: Headers) => ({ clientAddress: clientAddressOf(headers), userAgent: headers["user-agent"] ?? null });

/** A session for the account a sign-in stood for, as authorize and the signIn callback hand it to the jwt callback. */
async function signedIn(actor: { id: string }, headers: Headers, method: string): Promise<SignedIn> {
  return { id: actor.id, sid: await startSession(db(), actor.id, new Date(), clientOf(headers), method) };
}

/** The directory's user name and password form (lib/sso/ldap.ts): its messages reach the form as a local sign-in's do. */
function directoryProvider(ldap: LdapConfig, headers: Headers) {
  return CredentialsProvider({
    id: "ldap",
    name: ldap.name,
    credentials: { username: { label: "User name", type: "text" }, password: { label: "Password", type: "password" } },
    async authorize(credentials): Promise<SignedIn> {
      const parsed = directorySchema.safeParse(credentials);
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Enter your user name and password.");
      const checked = await signInWithLdap(db(), ldap, { ...parsed.data, clientAddress: clientAddressOf(headers) });
      if (!checked.ok) throw new Error(checked.error.message);
      return signedIn(checked.value, headers, "ldap");
    },
  });
}

/**
 * next-auth's configuration for one request: cookies are `__Secure-` and Secure when the client came
 * over HTTPS (lib/http/request-context.ts). The cookie holds a JWT with the user id and a session id;
 * the session lives in the database (lib/auth/sessions.ts), so signing out ends it everywhere at once.
 * The ways to sign in are the configured ones (lib/sso/config.ts): local passwords, an LDAP directory,
 * an OpenID Connect provider; `headers` are the request's, for the client's address on its session.
 */
export function authOptions(secure: boolean, headers: Headers = {}): NextAuthOptions {
  const sso = ssoConfig();
  return {
    secret: authSecret(),
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    // next-auth's errors (an OpenID Connect answer that did not check out) are shown on the sign-in page.
    pages: { signIn: "/signin", error: "/signin" },
    logger,
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        // A thrown message reaches the sign-in form (next-auth's error parameter): wrong password, or when to retry.
        async authorize(credentials): Promise<SignedIn> {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Enter your email and password.");
          const checked = await checkPassword(db(), { ...parsed.data, clientAddress: clientAddressOf(headers) });
          if (!checked.ok) throw new Error(checked.error.message);
          const allowed = localPasswordAllowed(sso, checked.value);
          if (!allowed.ok) throw new Error(allowed.error.message);
          return signedIn(allowed.value, headers, "password");
        },
      }),
      ...(sso.ldap ? [directoryProvider(sso.ldap, headers)] : []),
      ...(sso.oidc ? [oidcProvider(sso.oidc)] : []),
    ],
    callbacks: {
      // An OpenID Connect sign-in: the provider's claims become the account (created or brought up to
      // date) and a session; a refusal goes back to the sign-in page as a code it knows.
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID || !sso.oidc) return true;
        const provisioned = await signInWithOidc(db(), sso.oidc, (profile ?? {}) as Record<string, unknown>, clientAddressOf(headers));
        if (!provisioned.ok) return `/signin?error=SsoRefused&reason=${provisioned.refusal}`;
        // next-auth hands this same object to the jwt callback below.
        Object.assign(user, await signedIn(provisioned.value, headers, "oidc"));
        return true;
      },
      // The token carries the user and session ids only; role and name are read fresh on each request.
      jwt({ token, user }) {
        // next-auth passes the user only at sign-in, whatever its types say.
        const signedIn = user as SignedIn | undefined;
        return signedIn ? { sub: signedIn.id, sid: signedIn.sid } : token;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token.sid === "string") await endSession(db(), token.sid, clientAddressOf(headers));
      },
    },
  };
}
