import { recordAudit } from "../audit/record";
import { createHash, randomBytes } from "node:crypto";
import { type Db, directReads } from "../db/client";
import { type DirectStatement, storedBoolean, storedDate, storedNullableDate } from "../db/direct-reads";
import type { Prisma } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import { type Actor, actorOf } from "./actor";

/** How long a browser session lasts from sign-in. */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;
/** Creating an API token needs the password entered this recently. */
export const RECENT_SIGN_IN_MS = 15 * 60 * 1000;
/** A session's last request is written at most this often, so that browsing costs no write per page. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;
const MAX_USER_AGENT = 512;

/** A signed-in browser session, as the server keeps it. */
export interface Session {
  /** The SHA-256 of the id the cookie carries: what ends it. */
  id: string;
  actor: Actor;
  /** When the password was last entered for this session. */
  authenticatedAt: Date;
}

/** The client a session started from, for the user's list of sessions on Settings. */
export interface SessionClient {
  clientAddress: string | null;
  userAgent: string | null;
}

const UNKNOWN_CLIENT: SessionClient = { clientAddress: null, userAgent: null };

const hashSessionId = (sid: string) => createHash("sha256").update(sid).digest("hex");

/**
 * Starts a session for a user who has just entered their password; returns the random id the
 * session cookie carries (the database keeps only its SHA-256). Expired sessions go at the same time.
 */
export async function startSession(db: Db, userId: string, now = new Date(), client: SessionClient = UNKNOWN_CLIENT, method = "password"): Promise<string> {
  const sid = randomBytes(32).toString("base64url");
  const id = hashSessionId(sid);
  await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  await db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { lastSignInAt: now }, select: { id: true, email: true } });
    await tx.session.create({
      data: {
        id,
        userId,
        createdAt: now,
        authenticatedAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000),
        clientAddress: client.clientAddress,
        userAgent: client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      },
    });
    const origin = { via: "session", id, clientAddress: client.clientAddress } as const;
    await recordAudit(tx, { ...user, origin }, { action: "auth.sign_in", objectId: user.id, after: { method } });
  });
  return sid;
}

/**
 * A session with its user, as one direct read (lib/db/direct-reads.ts): every request authenticated by a cookie takes
 * it, a page or an API call or an upload PATCH, so it goes past Prisma's query compiler (docs/decisions.md, "The fixed
 * cost of one PATCH: the hot reads past Prisma").
 */
const SESSION_WITH_USER: DirectStatement = {
  name: "hangar_session_with_user",
  sql: `SELECT s."expiresAt", s."lastSeenAt", s."authenticatedAt", u."id", u."email", u."name", u."role", u."projectCreator", u."disabledAt"
        FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."id" = $1`,
};

/**
 * The live session a cookie's id names, with its user's current name and role; null once ended or
 * expired, or while the user is disabled (so a disabled user's open session stops at the next request).
 */
export async function findSession(db: Db, sid: string, now = new Date()): Promise<Session | null> {
  const id = hashSessionId(sid);
  const row = (await directReads(db).rows(SESSION_WITH_USER, [id])).at(0);
  if (!row || storedDate(row.expiresAt) <= now || storedNullableDate(row.disabledAt)) return null;
  if (storedDate(row.lastSeenAt) <= lastSeenBefore(now)) await noteSeen(db, id, now);
  const user = {
    id: String(row.id),
    email: String(row.email),
    name: String(row.name),
    role: String(row.role),
    projectCreator: storedBoolean(row.projectCreator),
  };
  return { id, authenticatedAt: storedDate(row.authenticatedAt), actor: actorOf(user) };
}

const lastSeenBefore = (now: Date) => new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS);

/** Writes a session's last request; conditional, so that concurrent requests write at most once per interval. */
async function noteSeen(db: Db, id: string, now: Date): Promise<void> {
  await db.session.updateMany({ where: { id, lastSeenAt: { lte: lastSeenBefore(now) } }, data: { lastSeenAt: now } });
}

/** Ends the session a cookie's id names (sign-out): a copy of that cookie stops working at once. */
export async function endSession(db: Db, sid: string, clientAddress: string | null = null): Promise<void> {
  const id = hashSessionId(sid);
  await db.$transaction(async (tx) => {
    const row = await tx.session.findUnique({ where: { id }, include: { user: { select: { id: true, email: true } } } });
    if (!row) return;
    await tx.session.deleteMany({ where: { id } });
    await recordAudit(tx, { ...row.user, origin: { via: "session", id, clientAddress } }, { action: "auth.sign_out", objectId: row.userId });
  });
}

/**
 * Ends every session of a user at once (but `except`, the one a user keeps when changing their own
 * password): "sign out everywhere", a password change or reset, an administrator disabling the
 * account. Their API tokens are not sessions and stay. Returns how many sessions ended.
 */
export async function endUserSessions(db: Db | Prisma.TransactionClient, userId: string, except?: string): Promise<number> {
  return (await db.session.deleteMany({ where: { userId, ...(except ? { id: { not: except } } : {}) } })).count;
}

/** Marks that the password was just entered again for this session. */
export async function markReauthenticated(db: Db, session: Session, now = new Date()): Promise<void> {
  await db.session.update({ where: { id: session.id }, data: { authenticatedAt: now } });
}

export const signedInRecently = (session: Session, now = new Date()) => now.getTime() - session.authenticatedAt.getTime() < RECENT_SIGN_IN_MS;

/** One of the user's sessions, as Settings lists it. */
export interface SessionSummary {
  id: string;
  clientAddress: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  /** The session this request came with. */
  current: boolean;
}

/** The live sessions of the signed-in user, the current one first, then the most recently seen. */
export async function listSessions(db: Db, session: Session, now = new Date()): Promise<SessionSummary[]> {
  const rows = await db.session.findMany({ where: { userId: session.actor.id, expiresAt: { gt: now } }, orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }] });
  return rows
    .map((row) => ({
      id: row.id,
      clientAddress: row.clientAddress,
      userAgent: row.userAgent,
      createdAt: row.createdAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      current: row.id === session.id,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of the actor's own sessions (Settings); another user's answers "not found", like a missing one. */
export async function endOwnSession(db: Db, actor: Actor | null, id: unknown): Promise<Result<null>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const row = typeof id === "string" ? await db.session.findUnique({ where: { id } }) : null;
  if (!row || row.userId !== actor.id) return fail("not_found", "No such session: it has ended already.");
  await db.$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { id: row.id } });
    if (count > 0) await recordAudit(tx, actor, { action: "auth.sign_out", objectId: actor.id, after: { sessionEnded: row.id } });
  });
  return ok(null);
}

/** "Sign out everywhere" (Settings): every session of the actor ends, this one included; API tokens stay. */
export async function endAllOwnSessions(db: Db, actor: Actor): Promise<number> {
  return db.$transaction(async (tx) => {
    const ended = await endUserSessions(tx, actor.id);
    await recordAudit(tx, actor, { action: "auth.sign_out", objectId: actor.id, after: { sessionsEnded: ended } });
    return ended;
  });
}
