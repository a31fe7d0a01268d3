import type { Actor } from "../auth/actor";
import { refusalFor } from "../catalog/access";
import type { CatalogDeps } from "../catalog/deps";
import { judgeAuditReading, judgeProject } from "../catalog/policy";
import { loadProjectFor } from "../catalog/project-access";
import { membershipsOf } from "../catalog/standing";
import type { Prisma } from "../db/generated/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { type AuditQuery, auditQuerySchema, MAX_AUDIT_PAGE_SIZE } from "./schemas";
import { type AuditEventView, toAuditEventView } from "./view";

type Deps = Pick<CatalogDeps, "db">;

const NOT_YOURS = "Only administrators, and owners of a project for its events, can read the audit trail.";

/**
 * The projects whose events the actor may read: null for all of them (administrators), else the projects
 * the actor owns (the policy's "view_audit"), or the one asked for if they may read it. Nobody else reads any.
 */
async function readableProjects(deps: Deps, actor: Actor | null, project: string | undefined): Promise<Result<string[] | null>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const everything = judgeAuditReading(actor);
  if (everything.decision === "allow") return ok(project === undefined ? null : [project]);
  if (project !== undefined) {
    const loaded = await loadProjectFor(deps, actor, "view_audit", project);
    return loaded.ok ? ok([loaded.value.id]) : loaded;
  }
  const memberships = await membershipsOf(deps.db, actor);
  const owned = [...memberships].filter(([id, role]) => judgeProject(actor, "view_audit", { id, role, kind: "team" }).decision === "allow").map(([id]) => id);
  if (owned.length > 0) return ok(owned);
  return refusalFor(actor, everything, { notFound: () => fail("forbidden", NOT_YOURS), forbidden: { admins: NOT_YOURS } });
}

/** A position in the trail, newest first: the last event of a page. */
const encodeCursor = (event: { at: Date; id: string }) => Buffer.from(`${event.at.toISOString()}|${event.id}`).toString("base64url");

function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at = "", id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at);
  return id && !Number.isNaN(date.getTime()) ? { at: date, id } : null;
}

function whereOf(query: AuditQuery, projects: string[] | null): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (projects) and.push({ projectId: { in: projects } });
  if (query.actor) and.push({ OR: [{ actorId: query.actor }, { actorEmail: query.actor }] });
  if (query.action) and.push({ action: query.action });
  if (query.objectType) and.push({ objectType: query.objectType });
  if (query.objectId) and.push({ objectId: query.objectId });
  if (query.from) and.push({ at: { gte: query.from } });
  if (query.to) and.push({ at: { lt: query.to } });
  return { AND: and };
}

const after = (position: { at: Date; id: string }): Prisma.AuditEventWhereInput => ({
  OR: [{ at: { lt: position.at } }, { at: position.at, id: { lt: position.id } }],
});

export interface AuditPage {
  events: AuditEventView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

async function page(deps: Deps, where: Prisma.AuditEventWhereInput, position: { at: Date; id: string } | null, limit: number) {
  const rows = await deps.db.auditEvent.findMany({
    where: position ? { AND: [where, after(position)] } : where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { rows: shown, next: more && last ? { at: last.at, id: last.id } : null };
}

/** The checked query and what the actor may read of it. */
async function prepare(deps: Deps, actor: Actor | null, rawQuery: unknown) {
  const parsed = parseInput(auditQuerySchema, rawQuery);
  if (!parsed.ok) return parsed;
  const query = parsed.value;
  const projects = await readableProjects(deps, actor, query.project);
  if (!projects.ok) return projects;
  const position = query.cursor ? decodeCursor(query.cursor) : null;
  if (query.cursor && !position)
    return fail("invalid", "The cursor is not one this server gave: start again from the first page.", { cursor: "Not a cursor." });
  return ok({ query, where: whereOf(query, projects.value), position });
}

/** One page of the audit trail, newest first, with the filters applied: everything for administrators, their projects' events for owners. */
export async function listAuditEvents(deps: Deps, actor: Actor | null, rawQuery: unknown): Promise<Result<AuditPage>> {
  const prepared = await prepare(deps, actor, rawQuery);
  if (!prepared.ok) return prepared;
  const { query, where, position } = prepared.value;
  const { rows, next } = await page(deps, where, position, query.limit);
  return ok({ events: rows.map(toAuditEventView), nextCursor: next ? encodeCursor(next) : null });
}

/**
 * Every matching event as JSON lines, newest first, read a page at a time so that an export of the whole
 * trail holds one page in memory. Authorization and the filters are checked before the first line.
 */
export async function exportAuditEvents(deps: Deps, actor: Actor | null, rawQuery: unknown): Promise<Result<ReadableStream<Uint8Array>>> {
  const prepared = await prepare(deps, actor, rawQuery);
  if (!prepared.ok) return prepared;
  const { where } = prepared.value;
  let position = prepared.value.position;
  let done = false;
  const encoder = new TextEncoder();
  return ok(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (done) {
          controller.close();
          return;
        }
        const { rows, next } = await page(deps, where, position, MAX_AUDIT_PAGE_SIZE);
        const lines = rows.map((row) => `${JSON.stringify(toAuditEventView(row))}\n`).join("");
        if (lines) controller.enqueue(encoder.encode(lines));
        position = next;
        done = next === null;
        if (done) controller.close();
      },
    }),
  );
}
