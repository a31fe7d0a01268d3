import { changedFields, recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import type { ProjectAction, ProjectKind, ProjectRole } from "../catalog/actions";
import type { Person } from "../catalog/image";
import { nameKey } from "../catalog/image-name";
import { allowedProjectActions, judgeQuotaGiving } from "../catalog/policy";
import { loadProjectFor, refuseAllProjectsListing, refuseProjectCreation } from "../catalog/project-access";
import { actorOf, type Viewer, viewerOf } from "../catalog/image-view";
import type { Memberships } from "../catalog/standing";
import { quotaLimit, type Usage } from "../catalog/usage";
import { isUniqueViolation } from "../db/errors";
import type { Prisma } from "../db/generated/client";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import type { ProjectDeps } from "./deps";
import { createProjectSchema, updateProjectSchema } from "./schemas";

/** A project as the portal, the API and the CLI show it to one actor. */
export interface ProjectSummary {
  id: string;
  name: string;
  kind: ProjectKind;
  /** The user a personal project belongs to; null for a team project. */
  personalUser: Person | null;
  /** The actor's role in it; null when an administrator sees a project they are not a member of. */
  role: ProjectRole | null;
  createdAt: string;
  usage: Usage;
  memberCount: number;
  imageCount: number;
  /** What the actor may do with it (lib/catalog/policy.ts). */
  actions: ProjectAction[];
}

const summaryInclude = {
  personalUser: { select: { id: true, name: true, email: true } },
  _count: { select: { members: true, images: true } },
} satisfies Prisma.ProjectInclude;

type SummaryRow = Prisma.ProjectGetPayload<{ include: typeof summaryInclude }>;

/** Bytes each project's images take, in one query. */
async function usedBytes(deps: ProjectDeps, ids: string[]): Promise<Map<string, number>> {
  const sums = await deps.db.image.groupBy({ by: ["projectId"], where: { projectId: { in: ids }, status: { not: "deleted" } }, _sum: { fileSize: true } });
  return new Map(sums.map((sum) => [sum.projectId ?? "", Number(sum._sum.fileSize ?? 0n)]));
}

async function summaries(deps: ProjectDeps, actor: Actor, memberships: Memberships, rows: SummaryRow[]): Promise<ProjectSummary[]> {
  const used = await usedBytes(
    deps,
    rows.map((row) => row.id),
  );
  return rows.map((row) => {
    const kind: ProjectKind = row.kind === "personal" ? "personal" : "team";
    const role = memberships.get(row.id) ?? null;
    return {
      id: row.id,
      name: row.name,
      kind,
      personalUser: row.personalUser,
      role,
      createdAt: row.createdAt.toISOString(),
      usage: {
        usedBytes: used.get(row.id) ?? 0,
        quotaBytes: row.quotaBytes === null ? null : Number(row.quotaBytes),
        limitBytes: quotaLimit(row, deps.defaultQuota),
      },
      memberCount: row._count.members,
      imageCount: row._count.images,
      actions: allowedProjectActions(actor, { id: row.id, kind, role }),
    };
  });
}

// The personal project first, then teams by name.
const projectOrder: Prisma.ProjectOrderByWithRelationInput[] = [{ kind: "asc" }, { nameKey: "asc" }];

/**
 * The projects the actor is a member of (only the one a limited token acts in), or, for an
 * administrator who asks for "all", every project.
 */
export async function listProjects(deps: ProjectDeps, who: Actor | Viewer | null, which: "mine" | "all" = "mine"): Promise<Result<ProjectSummary[]>> {
  if (!who) return fail("unauthenticated", "Sign in first.");
  const { actor, memberships } = await viewerOf(deps.db, who);
  const refused = which === "all" ? refuseAllProjectsListing(actor) : null;
  if (refused) return refused;
  const limit = actor.limits?.projectId;
  const where: Prisma.ProjectWhereInput = which === "all" ? {} : { id: { in: [...memberships.keys()].filter((id) => !limit || id === limit) } };
  const rows = await deps.db.project.findMany({ where, include: summaryInclude, orderBy: projectOrder });
  return ok(await summaries(deps, actor, memberships, rows));
}

export async function getProject(deps: ProjectDeps, who: Actor | Viewer | null, id: unknown): Promise<Result<ProjectSummary>> {
  if (!who) return fail("unauthenticated", "Sign in first.");
  const loaded = await loadProjectFor(deps, who, "view", id);
  if (!loaded.ok) return loaded;
  const row = await deps.db.project.findUniqueOrThrow({ where: { id: loaded.value.id }, include: summaryInclude });
  const [summary] = await summaries(deps, actorOf(who), loaded.value.memberships, [row]);
  return ok(summary);
}

const nameTaken = (name: string) => fail("conflict", `A project named "${name}" already exists.`, { name: `A project named "${name}" already exists.` });

/** Creates a team project, with its creator as its first owner. Only administrators set a quota. */
export async function createProject(deps: ProjectDeps, actor: Actor | null, input: unknown): Promise<Result<ProjectSummary>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const refused = refuseProjectCreation(actor);
  if (refused) return refused;
  const parsed = parseInput(createProjectSchema, input);
  if (!parsed.ok) return parsed;
  const { name, quotaBytes } = parsed.value;
  if (quotaBytes !== undefined && quotaBytes !== null && judgeQuotaGiving(actor).decision !== "allow")
    return fail("forbidden", "Only administrators can set a project's quota.");
  let id: string;
  try {
    const quota = quotaBytes === undefined || quotaBytes === null ? null : BigInt(quotaBytes);
    ({ id } = await deps.db.$transaction(async (tx) => {
      const row = await tx.project.create({
        data: { name, nameKey: nameKey(name), kind: "team", quotaBytes: quota, members: { create: { userId: actor.id, role: "owner" } } },
        select: { id: true },
      });
      await recordAudit(tx, actor, { action: "project.create", objectId: row.id, projectId: row.id, after: { name, kind: "team", quotaBytes: quota } });
      return row;
    }));
  } catch (error) {
    if (isUniqueViolation(error)) return nameTaken(name);
    throw error;
  }
  return getProject(deps, actor, id);
}

/** Renames a team project (owners) or sets its quota (administrators); everything is checked before anything changes. */
export async function updateProject(deps: ProjectDeps, actor: Actor | null, id: unknown, input: unknown): Promise<Result<ProjectSummary>> {
  const loaded = await loadProjectFor(deps, actor, "view", id);
  if (!loaded.ok) return loaded;
  const parsed = parseInput(updateProjectSchema, input);
  if (!parsed.ok) return parsed;
  const { name, quotaBytes } = parsed.value;
  for (const [action, asked] of [
    ["rename", name !== undefined],
    ["set_quota", quotaBytes !== undefined],
  ] as const) {
    if (!asked) continue;
    const allowed = await loadProjectFor(deps, actor, action, id);
    if (!allowed.ok) return allowed;
  }
  const project = loaded.value;
  try {
    await deps.db.$transaction(async (tx) => {
      const before = await tx.project.findUniqueOrThrow({ where: { id: project.id }, select: { name: true, quotaBytes: true } });
      const after = { name, quotaBytes: quotaBytes === undefined ? undefined : quotaBytes === null ? null : BigInt(quotaBytes) };
      await tx.project.update({
        where: { id: project.id },
        data: { ...(name !== undefined ? { name, nameKey: nameKey(name) } : {}), ...(after.quotaBytes !== undefined ? { quotaBytes: after.quotaBytes } : {}) },
      });
      const changed = changedFields(before, after);
      if (changed) await recordAudit(tx, actor as Actor, { action: "project.update", objectId: project.id, projectId: project.id, ...changed });
    });
  } catch (error) {
    if (isUniqueViolation(error) && name !== undefined) return nameTaken(name);
    throw error;
  }
  return getProject(deps, actor, project.id);
}

/** Deletes an empty team project (administrators): its images must be deleted or moved first, so no bytes are orphaned. */
export async function deleteProject(deps: ProjectDeps, actor: Actor | null, id: unknown): Promise<Result<{ id: string; name: string }>> {
  const loaded = await loadProjectFor(deps, actor, "delete", id);
  if (!loaded.ok) return loaded;
  const { id: projectId, name } = loaded.value;
  const images = await deps.db.image.count({ where: { projectId } });
  if (images > 0) return fail("conflict", `The project "${name}" still has ${images} image${images === 1 ? "" : "s"}: delete them (or have them moved) first.`);
  try {
    await deps.db.$transaction(async (tx) => {
      await tx.project.delete({ where: { id: projectId } });
      await recordAudit(tx, actor as Actor, { action: "project.delete", objectId: projectId, projectId, before: { name } });
    });
  } catch (error) {
    // An upload created an image in it meanwhile: the database refuses to leave it without a project.
    if ((error as { code?: string } | null)?.code === "P2003") return fail("conflict", `The project "${name}" has images again: delete them first.`);
    throw error;
  }
  return ok({ id: projectId, name });
}
