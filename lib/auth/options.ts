import type { LoggerInstance, NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { recordAudit, signingIn } from "../audit/record";
import { db } from "../db/client";
import { publicUrl } from "../http/public-url";
import { type SsoConfig, ssoConfig } from "../sso/config";
import { oidcProvider, ssoProfileOf } from "../sso/oidc";
import { provisionSsoUser } from "../sso/provision";
import { isWellFormedText, NOT_TEXT_MESSAGE } from "../text/well-formed";
import { authSecret } from "./secret";
import { SESSION_MAX_AGE_S, endSession, startSession } from "./sessions";
import { checkPassword } from "./sign-in";

const credentialsSchema = z.object({
  email: z.string().trim().max(320).refine(isWellFormedText, `The email ${NOT_TEXT_MESSAGE}.`),
  password: z.string().max(1024).refine(isWellFormedText, `The password ${NOT_TEXT_MESSAGE}.`),
});

// jose's errors for a token that does not decrypt or verify: ERR_JWE_INVALID, ERR_JWE_DECRYPTION_FAILED, ERR_JWT_EXPIRED...
const undecryptable = (metadata: unknown) => /^ERR_JW[ETS]_/.test(String((metadata as { code?: unknown } | undefined)?.code));

// next-auth logs with stacks and links. A session cookie that does not decrypt (garbage, or from an
// older secret) is a visitor who is signed out, not an error; anything else gets one line (a sign-out
// that could not end its session among them).
const logger: Partial<LoggerInstance> = {
  error(code, metadata) {
    if ((code === "JWT_SESSION_ERROR" || code === "SIGNOUT_ERROR") && undecryptable(metadata)) return;
    const found = metadata as { message?: unknown; error?: { message?: unknown } } | undefined;
    const message = metadata instanceof Error ? metadata.message : (found?.message ?? found?.error?.message);
    console.error(`next-auth ${code}: ${typeof message === "string" ? message : "(no message)"}`);
  },
  warn(code) {
    console.warn(`next-auth warning ${code}`);
  },
  debug() {},
};

/** What authorize and the signIn callback hand to the jwt callback: the user and the id of the session just started. */
interface SignedIn {
  id: string;
  sid: string;
}

/** What next-auth's callbacks cannot read from the request themselves: for the session's record and the audit trail. */
export interface AuthRequestContext {
  /** The client came over HTTPS: cookies are `__Secure-` and Secure. */
  secure: boolean;
  clientAddress: string | null;
  userAgent: string | null;
}

/**
 * next-auth's configuration for one request. The cookie holds a JWT with the user id and a session id;
 * the session lives in the database (lib/auth/sessions.ts), so signing out ends it everywhere at once.
 * Sign-in: a password (Hangar's own, or the directory's with LDAP) through the credentials provider,
 * and OpenID Connect when configured; either way the account is checked and the session started here.
 */
export function authOptions(context: AuthRequestContext, config: SsoConfig = ssoConfig()): NextAuthOptions {
  const { clientAddress, userAgent } = context;
  return {
    secret: authSecret(),
    useSecureCookies: context.secure,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    // next-auth's own error page is replaced by the sign-in page, which words its error codes.
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
          const checked = await checkPassword(db(), { ...parsed.data, clientAddress }, new Date(), undefined, { config });
          if (!checked.ok) throw new Error(checked.error.message);
          const { actor, method } = checked.value;
          return { id: actor.id, sid: await startSession(db(), actor.id, new Date(), { method, clientAddress, userAgent }) };
        },
      }),
      ...(config.oidc ? [oidcProvider(config.oidc)] : []),
    ],
    callbacks: {
      // A password sign-in is settled in authorize. OpenID Connect: the provider has vouched for the
      // user; here the account is found or created, its groups applied, and the session started.
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc" || !config.oidc) return true;
        const sso = ssoProfileOf(config.oidc, profile);
        const provisioned = await provisionSsoUser(db(), sso, { groups: config.oidc.groups, trustEmail: config.oidc.trustEmail, clientAddress });
        if (!provisioned.ok) {
          await recordAudit(db(), signingIn("oidc", sso.email, clientAddress), {
            action: "session.sign_in_failed",
            outcome: "failure",
            object: { label: sso.email ?? sso.subject },
            after: { reason: provisioned.refusal, subject: sso.subject },
          });
          return `${publicUrl()}/signin?error=SsoRefused&reason=${provisioned.refusal}`;
        }
        const signedIn = user as unknown as SignedIn;
        signedIn.id = provisioned.value.id;
        signedIn.sid = await startSession(db(), provisioned.value.id, new Date(), { method: "oidc", clientAddress, userAgent });
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
        if (typeof token.sid === "string") await endSession(db(), token.sid, clientAddress);
      },
    },
  };
}
