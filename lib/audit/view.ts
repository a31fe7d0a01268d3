import type { AuditEvent as AuditEventRow } from "../db/generated/client";
import { auditLabel } from "./actions";

/** One event as the API, the export and the admin page show it. */
export interface AuditEventView {
  id: string;
  at: string;
  /** Null for the system; for a failed sign-in, the email tried and no id. */
  actor: { id: string | null; email: string | null } | null;
  via: "session" | "token" | "system";
  /** The session's or the API token's id. */
  viaId: string | null;
  clientAddress: string | null;
  action: string;
  label: string;
  object: { type: string; id: string | null };
  projectId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function parsed(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return { unreadable: json };
  }
}

export function toAuditEventView(row: AuditEventRow): AuditEventView {
  const via = row.via === "token" || row.via === "system" ? row.via : "session";
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actorId === null && row.actorEmail === null ? null : { id: row.actorId, email: row.actorEmail },
    via,
    viaId: row.viaId,
    clientAddress: row.clientAddress,
    action: row.action,
    label: auditLabel(row.action),
    object: { type: row.objectType, id: row.objectId },
    projectId: row.projectId,
    before: parsed(row.before),
    after: parsed(row.after),
  };
}
