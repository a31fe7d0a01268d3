import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { type AuditActionId, auditObjectType } from "./actions";

/**
 * The audit trail's only writes: inserts. A change that is transactional records its event with the
 * transaction's client, so that a change that rolls back leaves no event (docs/decisions.md, "Audit trail").
 */
export type AuditDb = Pick<Db | Prisma.TransactionClient, "auditEvent">;

/** A JSON object of changed fields (values are strings, numbers, booleans, null, arrays or objects of them). */
export type AuditValues = Record<string, unknown>;

export interface AuditEntry {
  action: AuditActionId;
  objectId: string | null;
  /** The project the object belongs to, for its owners' view; null for accounts and platform images. */
  projectId?: string | null;
  before?: AuditValues | null;
  after?: AuditValues | null;
}

/** Who acted: a request's actor, or the system (a scheduled job, a change with no one behind it). */
export type AuditActor = Pick<Actor, "id" | "email" | "origin"> | "system";

/** Fields never written to the trail whatever a caller passes: password hashes, token hashes and secrets. */
const SECRET_FIELD = /password|hash|secret|^token$/i;

function redacted(values: AuditValues | null | undefined): string | null {
  if (!values) return null;
  const kept = Object.entries(values).filter(([key]) => !SECRET_FIELD.test(key));
  return kept.length > 0 ? JSON.stringify(Object.fromEntries(kept), (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value)) : null;
}

const comparable = (value: unknown) =>
  JSON.stringify(value instanceof Date ? value.toISOString() : value, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));

/**
 * The fields of `after` that differ from `before`, each side holding only those: what an update
 * changed. Dates are compared and kept as ISO strings.
 */
export function changedFields(before: AuditValues, after: AuditValues): { before: AuditValues; after: AuditValues } | null {
  const keys = Object.keys(after).filter((key) => after[key] !== undefined && comparable(before[key]) !== comparable(after[key]));
  if (keys.length === 0) return null;
  const shown = (value: unknown) => (value instanceof Date ? value.toISOString() : (value ?? null));
  const pick = (values: AuditValues) => Object.fromEntries(keys.map((key) => [key, shown(values[key])]));
  return { before: pick(before), after: pick(after) };
}

function who(actor: AuditActor) {
  if (actor === "system") return { actorId: null, actorEmail: null, via: "system", viaId: null, clientAddress: null };
  return {
    actorId: actor.id,
    actorEmail: actor.email,
    via: actor.origin?.via ?? "session",
    viaId: actor.origin?.id ?? null,
    clientAddress: actor.origin?.clientAddress ?? null,
  };
}

/** Records one change: call it with the transaction client of the change it records. */
export async function recordAudit(db: AuditDb, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      ...who(actor),
      action: entry.action,
      objectType: auditObjectType(entry.action),
      objectId: entry.objectId,
      projectId: entry.projectId ?? null,
      before: redacted(entry.before),
      after: redacted(entry.after),
    },
  });
}

export interface FailedSignIn {
  /** The email tried (the user name for a directory sign-in), as typed. */
  email: string;
  clientAddress: string | null;
  /** "password", "ldap" or "oidc". */
  method: string;
  /** Why: "wrong_password", "disabled", "throttled", "directory_unavailable", or a single sign-on refusal. */
  reason: string;
}

/** A sign-in that failed: no account acted, so the email (or directory user name) tried is what is kept, with why it failed. */
export async function recordFailedSignIn(db: AuditDb, attempt: FailedSignIn): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: null,
      actorEmail: attempt.email.slice(0, 320),
      via: "session",
      viaId: null,
      clientAddress: attempt.clientAddress,
      action: "auth.sign_in_failed",
      objectType: auditObjectType("auth.sign_in_failed"),
      objectId: null,
      projectId: null,
      before: null,
      after: JSON.stringify({ method: attempt.method, reason: attempt.reason }),
    },
  });
}
