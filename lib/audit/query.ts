import { z } from "zod";
import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { decimal } from "../parse";
import { ok, type Result } from "../result";
import { isWellFormedText, NOT_TEXT_MESSAGE } from "../text/well-formed";
import { AUDIT_OBJECT_TYPES, type AuditObjectType } from "./actions";
import { auditReadScope } from "./access";

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} is at most ${max} characters.`)
    .refine(isWellFormedText, `${label} ${NOT_TEXT_MESSAGE}.`)
    .optional()
    .transform((value) => value || undefined);

/** A day (UTC) or an ISO 8601 time with its offset; `end` makes a day mean its end, so that from=to=one day is that day. */
const timeBound = (label: string, end: boolean) =>
  z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((value, context) => {
      if (!value) return undefined;
      const parsed = DATE_ONLY.test(value)
        ? new Date(`${value}T00:00:00Z`)
        : z.iso.datetime({ offset: true }).safeParse(value).success
          ? new Date(value)
          : null;
      if (!parsed || Number.isNaN(parsed.getTime())) {
        context.addIssue({ code: "custom", message: `${label} is a day (2026-12-01) or a time with its zone (2026-12-01T09:30:00Z).` });
        return z.NEVER;
      }
      return end && DATE_ONLY.test(value) ? new Date(parsed.getTime() + DAY_MS) : parsed;
    });

/** The filters of GET /api/v1/audit, /admin/audit and `hangar audit export`: every one optional, all of them combined. */
export const auditQuerySchema = z
  .object({
    actor: text("The actor", 320).meta({ description: "Events by this user: an email or a user id." }),
    action: z
      .string()
      .trim()
      .regex(/^[a-z_]+(\.[a-z_]*)?$/, "An action is a name such as image.rename, or a kind such as image (every image action).")
      .max(64)
      .optional()
      .transform((value) => value || undefined)
      .meta({ description: "An action (`image.rename`), or every action of a kind (`image`)." }),
    objectType: z.enum(AUDIT_OBJECT_TYPES).optional().meta({ description: "Only events about this kind of object." }),
    object: text("The object", 320).meta({ description: "Events about this object: its id, or its name or email as it was then." }),
    project: text("The project", 64).meta({ description: "Events about objects of this project (its id)." }),
    from: timeBound("From", false).meta({ description: "From this day (UTC) or time, included." }),
    to: timeBound("To", true).meta({ description: "Until this day (UTC, included) or time (excluded)." }),
    before: z
      .preprocess(decimal, z.number({ error: "before is an event's seq." }).int().min(1).optional())
      .meta({ description: "Only events older than this one (its `seq`): the next page of a list." }),
    limit: z
      .preprocess(decimal, z.number({ error: "limit is a number from 1 to 500." }).int().min(1).max(500).default(50))
      .meta({ description: "Events per page (JSON). The JSON lines export has no limit." }),
    format: z
      .enum(["json", "jsonl"])
      .default("json")
      .meta({ description: "json: one page, newest first; jsonl: every matching event, oldest first, one JSON object per line, streamed." }),
  })
  .strict();
export type AuditQuery = z.output<typeof auditQuerySchema>;

/** One event as the API, the export and the portal show it. */
export interface AuditEventView {
  seq: number;
  at: string;
  action: string;
  outcome: "success" | "failure";
  actor: { id: string | null; email: string | null; via: string | null; credentialId: string | null; clientAddress: string | null };
  object: { type: AuditObjectType; id: string | null; label: string | null; projectId: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

type Row = Prisma.AuditEventGetPayload<object>;

function parseValues(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function toAuditView(row: Row): AuditEventView {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    action: row.action,
    outcome: row.outcome === "failure" ? "failure" : "success",
    actor: { id: row.actorId, email: row.actorEmail, via: row.via, credentialId: row.credentialId, clientAddress: row.clientAddress },
    object: { type: row.objectType as AuditObjectType, id: row.objectId, label: row.objectLabel, projectId: row.projectId },
    before: parseValues(row.before),
    after: parseValues(row.after),
  };
}

function whereOf(query: AuditQuery, projectIds: string[] | null): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (projectIds) and.push({ projectId: { in: projectIds } });
  if (query.actor) and.push({ OR: [{ actorId: query.actor }, { actorEmail: query.actor.toLowerCase() }] });
  if (query.action)
    and.push(
      query.action.includes(".") && !query.action.endsWith(".") ? { action: query.action } : { action: { startsWith: `${query.action.replace(/\.$/, "")}.` } },
    );
  if (query.objectType) and.push({ objectType: query.objectType });
  if (query.object) and.push({ OR: [{ objectId: query.object }, { objectLabel: query.object }] });
  if (query.project) and.push({ projectId: query.project });
  if (query.from) and.push({ at: { gte: query.from } });
  if (query.to) and.push({ at: { lt: query.to } });
  return { AND: and };
}

export interface AuditPage {
  items: AuditEventView[];
  /** The `before` of the next (older) page, or null on the last one. */
  next: number | null;
}

/** One page of the events the actor may read, newest first. */
export async function listAuditEvents(db: Db, actor: Actor | null, query: AuditQuery): Promise<Result<AuditPage>> {
  const scope = await auditReadScope(db, actor);
  if (!scope.ok) return scope;
  const where = whereOf(query, scope.value.projectIds);
  const rows = await db.auditEvent.findMany({
    where: query.before ? { AND: [where, { seq: { lt: query.before } }] } : where,
    orderBy: { seq: "desc" },
    take: query.limit + 1,
  });
  const items = rows.slice(0, query.limit).map(toAuditView);
  return ok({ items, next: rows.length > query.limit ? (items.at(-1)?.seq ?? null) : null });
}

const EXPORT_BATCH = 500;

/**
 * Every event the actor may read that matches, oldest first, read in batches by seq so that an export
 * of millions of events holds one batch in memory. The access check happens before the first event.
 */
export async function exportAuditEvents(db: Db, actor: Actor | null, query: AuditQuery): Promise<Result<AsyncGenerator<AuditEventView>>> {
  const scope = await auditReadScope(db, actor);
  if (!scope.ok) return scope;
  const where = whereOf(query, scope.value.projectIds);
  async function* events() {
    let after = 0;
    for (;;) {
      const rows = await db.auditEvent.findMany({
        where: { AND: [where, { seq: { gt: after } }, ...(query.before ? [{ seq: { lt: query.before } }] : [])] },
        orderBy: { seq: "asc" },
        take: EXPORT_BATCH,
      });
      for (const row of rows) yield toAuditView(row);
      if (rows.length < EXPORT_BATCH) return;
      after = rows[rows.length - 1]?.seq ?? after;
    }
  }
  return ok(events());
}
