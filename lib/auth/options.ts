import type { LoggerInstance, NextAuthOptions } from "next-auth";
import credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client";
import { clientAddressOf } from "../http/request-context";
import { isWellFormedText, NOT_TEXT_MESSAGE } from "../text/well-formed";
import { authSecret } from "./secret";
import { SESSION_MAX_AGE_S, endSession, startSession } from "./sessions";
import { checkPassword } from "./sign-in";

// Node loads lib/ as ES modules, where the default import of this CommonJS module is its exports object; bundlers unwrap it.
const CredentialsProvider: typeof credentials = "default" in credentials ? (credentials.default as typeof credentials) : credentials;

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

/**
 * next-auth's configuration for one request: cookies are `__Secure-` and Secure when the client came
 * over HTTPS (lib/http/request-context.ts). The cookie holds a JWT with the user id and a session id;
 * the session lives in the database (lib/auth/sessions.ts), so signing out ends it everywhere at once.
 */
export function authOptions(secure: boolean): NextAuthOptions {
  return {
    secret: authSecret(),
    useSecureCookies: secure,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin" },
    logger,
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        // A thrown message reaches the sign-in form (next-auth's error parameter): wrong password, or when to retry.
        async authorize(credentials, req): Promise<SignedIn> {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Enter your email and password.");
          const headers = (req.headers ?? {}) as Record<string, string | undefined>;
          const clientAddress = clientAddressOf(headers);
          const checked = await checkPassword(db(), { ...parsed.data, clientAddress });
          if (!checked.ok) throw new Error(checked.error.message);
          return {
            id: checked.value.id,
            sid: await startSession(db(), checked.value.id, new Date(), { clientAddress, userAgent: headers["user-agent"] ?? null }),
          };
        },
      }),
    ],
    callbacks: {
      // The token carries the user and session ids only; role and name are read fresh on each request.
      jwt({ token, user }) {
        // next-auth passes the user only at sign-in, whatever its types say.
        const signedIn = user as SignedIn | undefined;
        return signedIn ? { sub: signedIn.id, sid: signedIn.sid } : token;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token.sid === "string") await endSession(db(), token.sid);
      },
    },
  };
}
