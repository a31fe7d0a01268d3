import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import { AUDIT_ACTIONS, type AuditAction } from "./actions";

/**
 * Who did something, as the trail records it. An Actor from a request carries its origin (session or
 * token, client address); the rest are the server's own work and sign-ins, where there is no actor yet.
 */
export interface AuditWho {
  id: string | null;
  email: string | null;
  /** "session", "token", "system", or how a sign-in happened ("password", "ldap", "oidc", "link"). */
  via: string;
  credentialId: string | null;
  clientAddress: string | null;
}

/** The server itself: validations, expired uploads, what an administrator configured. */
export const SYSTEM: AuditWho = { id: null, email: null, via: "system", credentialId: null, clientAddress: null };

/** Someone at sign-in, before there is a session: a failed attempt names the email tried and the address it came from. */
export function signingIn(via: string, email: string | null, clientAddress: string | null, user?: { id: string } | null): AuditWho {
  return { id: user?.id ?? null, email, via, credentialId: null, clientAddress };
}

function whoOf(who: Actor | AuditWho): AuditWho {
  if (!("role" in who)) return who;
  return {
    id: who.id,
    email: who.email,
    via: who.origin?.via ?? "system",
    credentialId: who.origin?.credentialId ?? null,
    clientAddress: who.origin?.clientAddress ?? null,
  };
}

export type AuditValues = Record<string, unknown>;

export interface AuditEntry {
  action: AuditAction;
  /** The object's id, its name or email now, and its project (what lets a project's owners read the event). */
  object: { id?: string | null; label?: string | null; projectId?: string | null };
  /** The fields that changed, as they were and as they are; null for a creation's before or a deletion's after. */
  before?: AuditValues | null;
  after?: AuditValues | null;
  outcome?: "success" | "failure";
}

/** What records events: the database client or a transaction's, so that an event is written with the change it records. */
export type AuditWriter = Pick<Db, "auditEvent">;

// Sizes are BigInt in the database; the trail stores them as decimal strings, which JSON keeps exact.
const json = (values: AuditValues | null | undefined) =>
  values ? JSON.stringify(values, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)) : null;

/**
 * Appends one event to the audit trail. Called by the domain code where the change happens (never by
 * routes), inside the change's transaction where there is one. There is no function to change or
 * remove an event, and the database refuses both (the migration's triggers).
 */
export async function recordAudit(db: AuditWriter, who: Actor | AuditWho, entry: AuditEntry, now = new Date()): Promise<void> {
  const actor = whoOf(who);
  await db.auditEvent.create({
    data: {
      at: now,
      action: entry.action,
      outcome: entry.outcome ?? "success",
      actorId: actor.id,
      actorEmail: actor.email,
      via: actor.via,
      credentialId: actor.credentialId,
      clientAddress: actor.clientAddress,
      objectType: AUDIT_ACTIONS[entry.action].object,
      objectId: entry.object.id ?? null,
      objectLabel: entry.object.label ?? null,
      projectId: entry.object.projectId ?? null,
      before: json(entry.before),
      after: json(entry.after),
    },
  });
}

const same = (a: unknown, b: unknown) => json({ v: a }) === json({ v: b });

/** The fields of `keys` whose values differ, as they were and as they are: an edit's before and after. */
export function diffFields<T extends AuditValues>(
  before: T,
  after: Partial<T>,
  keys: readonly (keyof T & string)[],
): { before: AuditValues; after: AuditValues } {
  const was: AuditValues = {};
  const is: AuditValues = {};
  for (const key of keys) {
    if (!(key in after) || same(before[key], after[key])) continue;
    was[key] = before[key];
    is[key] = after[key];
  }
  return { before: was, after: is };
}
