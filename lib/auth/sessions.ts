import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { type Actor, parseRole } from "./actor";

/** How long a browser session lasts from sign-in. */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;
/** Creating an API token needs the password entered this recently. */
export const RECENT_SIGN_IN_MS = 15 * 60 * 1000;

/** A signed-in browser session, as the server keeps it. */
export interface Session {
  /** The SHA-256 of the id the cookie carries: what ends it. */
  id: string;
  actor: Actor;
  /** When the password was last entered for this session. */
  authenticatedAt: Date;
}

const hashSessionId = (sid: string) => createHash("sha256").update(sid).digest("hex");

/**
 * Starts a session for a user who has just entered their password; returns the random id the
 * session cookie carries (the database keeps only its SHA-256). Expired sessions go at the same time.
 */
export async function startSession(db: Db, userId: string, now = new Date()): Promise<string> {
  const sid = randomBytes(32).toString("base64url");
  await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  await db.session.create({
    data: { id: hashSessionId(sid), userId, createdAt: now, authenticatedAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000) },
  });
  return sid;
}

/** The live session a cookie's id names, with its user's current name and role; null once ended or expired. */
export async function findSession(db: Db, sid: string, now = new Date()): Promise<Session | null> {
  const row = await db.session.findUnique({ where: { id: hashSessionId(sid) }, include: { user: true } });
  if (!row || row.expiresAt <= now) return null;
  const { user } = row;
  return { id: row.id, authenticatedAt: row.authenticatedAt, actor: { id: user.id, email: user.email, name: user.name, role: parseRole(user.role) } };
}

/** Ends the session a cookie's id names (sign-out): a copy of that cookie stops working at once. */
export async function endSession(db: Db, sid: string): Promise<void> {
  await db.session.deleteMany({ where: { id: hashSessionId(sid) } });
}

/**
 * Ends every session of a user at once: "sign out everywhere", and what a password change or an
 * administrator disabling the account must call. Their API tokens are not sessions and stay.
 * Returns how many sessions ended.
 */
export async function endUserSessions(db: Db, userId: string): Promise<number> {
  return (await db.session.deleteMany({ where: { userId } })).count;
}

/** Marks that the password was just entered again for this session. */
export async function markReauthenticated(db: Db, session: Session, now = new Date()): Promise<void> {
  await db.session.update({ where: { id: session.id }, data: { authenticatedAt: now } });
}

export const signedInRecently = (session: Session, now = new Date()) => now.getTime() - session.authenticatedAt.getTime() < RECENT_SIGN_IN_MS;

/** How many live sessions a user has, for Settings. */
export async function activeSessionCount(db: Db, userId: string, now = new Date()): Promise<number> {
  return db.session.count({ where: { userId, expiresAt: { gt: now } } });
}
