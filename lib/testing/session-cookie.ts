import { encode } from "next-auth/jwt";
import type { Actor } from "../auth/actor";
import { startSession } from "../auth/sessions";
import type { Db } from "../db/client";

/** A Cookie header value for a new session of the actor, as the browser sends it after signing in. */
export async function sessionCookie(db: Db, actor: Actor, secret: string, now = new Date()): Promise<string> {
  const sid = await startSession(db, actor.id, now);
  return `next-auth.session-token=${await encode({ token: { sub: actor.id, sid }, secret })}`;
}
