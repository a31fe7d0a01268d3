import type { IncomingMessage } from "node:http";
import { getToken } from "next-auth/jwt";
import { db } from "../db/client";
import type { Actor } from "./actor";
import { authSecret } from "./secret";
import { findActor } from "./users";

type RequestLike = Pick<IncomingMessage, "headers"> | Request;

function cookieHeaders(req: RequestLike): Record<string, string> {
  if (req instanceof Request) return Object.fromEntries(req.headers.entries());
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * The actor behind a raw HTTP request (route handlers, the tus server): the
 * browser session cookie. The one place request authentication happens.
 */
export async function actorFromRequest(req: RequestLike): Promise<Actor | null> {
  const headers = cookieHeaders(req);
  const token = await getToken({
    req: { headers, cookies: parseCookies(headers.cookie) } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: authSecret(),
  });
  return token?.sub ? findActor(db(), token.sub) : null;
}
