import type { IncomingMessage } from "node:http";
import { getToken } from "next-auth/jwt";
import { db } from "../db/client";
import { clientAddressOf, isSecureRequest } from "../http/request-context";
import { fail, ok, type Result } from "../result";
import type { Actor } from "./actor";
import { CookieCache } from "./cookie-cache";
import { authSecret } from "./secret";
import { findSession, type Session } from "./sessions";
import { authenticateToken, type TokenAuthentication } from "./tokens";

type RequestLike = Pick<IncomingMessage, "headers"> | Request;

function headerRecord(req: RequestLike): Record<string, string | undefined> {
  if (req instanceof Request) return Object.fromEntries(req.headers.entries());
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
}

function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Not percent-encoding after all: kept as sent, it simply fails to decrypt.
    return value;
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = decodeCookie(part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * The live session a request's cookie names, or null: no cookie, one that does not decrypt
 * (garbage, another secret: silently a visitor who is signed out), or a session that has ended.
 */
export async function sessionFromHeaders(headers: Record<string, string | undefined>): Promise<Session | null> {
  const sid = await sessionIdOf(headers);
  const session = sid ? await findSession(db(), sid) : null;
  return session && { ...session, actor: withSessionOrigin(session, headers) };
}

/** Decrypted session cookies kept by this node: 1 MiB of cookies, about two thousand browsers (lib/auth/cookie-cache.ts). */
const decryptedCookies = new CookieCache(1024 * 1024);

/** The session id a request's cookie carries, or null (no cookie, or one that does not decrypt). */
async function sessionIdOf(headers: Record<string, string | undefined>): Promise<string | null> {
  const secret = authSecret();
  const secureCookie = isSecureRequest(headers);
  const decrypt = async () => {
    const token = await getToken({
      req: { headers, cookies: parseCookies(headers.cookie) } as unknown as Parameters<typeof getToken>[0]["req"],
      secret,
      secureCookie,
    });
    return typeof token?.sid === "string" ? { sid: token.sid, expiresAtMs: typeof token.exp === "number" ? token.exp * 1000 : 0 } : null;
  };
  // Without a cookie there is nothing to keep (next-auth then looks at the Authorization header).
  if (!headers.cookie) return (await decrypt())?.sid ?? null;
  // Which of the cookies next-auth reads depends on whether the request came over HTTPS: part of the key.
  return decryptedCookies.sessionId(`${secureCookie ? "https" : "http"} ${headers.cookie}`, secret, decrypt);
}

/** How the actor acts reaches the domain layer with the actor, for the audit trail. */
const withSessionOrigin = (session: { id: string; actor: Actor }, headers: Record<string, string | undefined>): Actor => ({
  ...session.actor,
  origin: { via: "session", id: session.id, clientAddress: clientAddressOf(headers) },
});

export type RequestAuthentication = { actor: Actor; via: "session" } | ({ via: "token" } & TokenAuthentication);

const BEARER = /^Bearer(?:[ \t]+(.*))?$/i;

/**
 * Who sent a raw HTTP request (route handlers, the API, the tus server): an
 * API token in `Authorization: Bearer`, else the browser session cookie. The
 * one place request authentication happens. A bearer token that fails is a
 * failure even when a session cookie is also present: the caller asked to be
 * that token. Other schemes (Basic from a proxy in front of Hangar) are ignored.
 */
export async function authenticateRequest(req: RequestLike): Promise<Result<RequestAuthentication>> {
  const headers = headerRecord(req);
  const bearer = BEARER.exec(headers.authorization ?? "");
  if (bearer) {
    const result = await authenticateToken(db(), ((bearer[1] as string | undefined) ?? "").trim());
    if (!result.ok) return result;
    const { actor, token } = result.value;
    return ok({ via: "token", token, actor: { ...actor, origin: { via: "token", id: token.id, clientAddress: clientAddressOf(headers) } } });
  }
  const sid = await sessionIdOf(headers);
  const session = sid ? await findSession(db(), sid) : null;
  return session
    ? ok({ actor: withSessionOrigin(session, headers), via: "session" })
    : fail("unauthenticated", "Sign in, or send an API token as Authorization: Bearer <token>.");
}

/** The actor behind a raw HTTP request, or null: see authenticateRequest. */
export async function actorFromRequest(req: RequestLike): Promise<Actor | null> {
  const result = await authenticateRequest(req);
  return result.ok ? result.value.actor : null;
}
