import type { IncomingMessage } from "node:http";
import { getToken } from "next-auth/jwt";
import { db } from "../db/client";
import { fail, ok, type Result } from "../result";
import type { Actor } from "./actor";
import { authSecret } from "./secret";
import { authenticateToken, type TokenAuthentication } from "./tokens";
import { findActor } from "./users";

type RequestLike = Pick<IncomingMessage, "headers"> | Request;

function headerRecord(req: RequestLike): Record<string, string> {
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
    const result = await authenticateToken(db(), (bearer[1] ?? "").trim());
    return result.ok ? ok({ via: "token", ...result.value }) : result;
  }
  const session = await getToken({
    req: { headers, cookies: parseCookies(headers.cookie) } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: authSecret(),
  });
  const actor = session?.sub ? await findActor(db(), session.sub) : null;
  return actor ? ok({ actor, via: "session" }) : fail("unauthenticated", "Sign in, or send an API token as Authorization: Bearer <token>.");
}

/** The actor behind a raw HTTP request, or null: see authenticateRequest. */
export async function actorFromRequest(req: RequestLike): Promise<Actor | null> {
  const result = await authenticateRequest(req);
  return result.ok ? result.value.actor : null;
}
