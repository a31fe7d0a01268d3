import type { NextAuthOptions } from "next-auth";
import credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db/client";
import { authSecret } from "./secret";
import { authenticate } from "./users";

// Node loads lib/ as ES modules, where the default import of this CommonJS module is its exports object; bundlers unwrap it.
const CredentialsProvider: typeof credentials = "default" in credentials ? (credentials.default as typeof credentials) : credentials;

const credentialsSchema = z.object({ email: z.string().trim().max(320), password: z.string().max(1024) });

export const authOptions: NextAuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const actor = await authenticate(db(), parsed.data.email, parsed.data.password);
        return actor ? { id: actor.id, email: actor.email, name: actor.name } : null;
      },
    }),
  ],
  callbacks: {
    // The token carries only the user id; role and name are read fresh from the database on each request.
    jwt({ token, user }) {
      // The user is there on sign-in only, whatever next-auth's types say.
      const signedIn = user as typeof user | undefined;
      if (signedIn) token.sub = signedIn.id;
      return token;
    },
    session({ session, token }) {
      return { ...session, userId: token.sub };
    },
  },
};
