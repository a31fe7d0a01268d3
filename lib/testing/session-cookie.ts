import { encode } from "next-auth/jwt";
import type { Actor } from "../auth/actor";
import { startSession } from "../auth/sessions";
import type { Db } from "../db/client";

/** A new session of the actor: its id (what lib/auth/sessions.ts finds it by) and the Cookie header value the browser sends after signing in. */
export async function signedInSession(db: Db, actor: Actor, secret: string, now = new Date()): Promise<{ sid: string; cookie: string }> {
  const sid = await startSession(db, actor.id, now);
  return { sid, cookie: `next-auth.session-token=${await encode({ token: { sub: actor.id, sid }, secret })}` };
}

/** A Cookie header value for a new session of the actor, as the browser sends it after signing in. */
export async function sessionCookie(db: Db, actor: Actor, secret: string, now = new Date()): Promise<string> {
  return (await signedInSession(db, actor, secret, now)).cookie;
}
