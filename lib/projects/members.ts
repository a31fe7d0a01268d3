import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import type { ProjectRole } from "../catalog/actions";
import type { Person } from "../catalog/image";
import { loadProjectFor } from "../catalog/project-access";
import { parseProjectRole } from "../catalog/standing";
import { isUniqueViolation } from "../db/errors";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import type { ProjectDeps } from "./deps";
import { addMemberSchema, memberRoleSchema } from "./schemas";

export interface Member {
  user: Person;
  role: ProjectRole;
  /** "manual" (the portal, the API, the CLI) or "sso" (a group claim at sign-in, which renews it). */
  source: "manual" | "sso";
  createdAt: string;
}

const memberInclude = { user: { select: { id: true, name: true, email: true } } } as const;
const ROLE_ORDER: Record<ProjectRole, number> = { owner: 0, member: 1, viewer: 2 };

function toMember(row: { role: string; source: string; createdAt: Date; user: Person }): Member {
  return { user: row.user, role: parseProjectRole(row.role), source: row.source === "sso" ? "sso" : "manual", createdAt: row.createdAt.toISOString() };
}

/** A project's members, owners first; every member sees them. */
export async function listMembers(deps: ProjectDeps, actor: Actor | null, projectId: unknown): Promise<Result<Member[]>> {
  const loaded = await loadProjectFor(deps, actor, "view", projectId);
  if (!loaded.ok) return loaded;
  const rows = await deps.db.projectMember.findMany({ where: { projectId: loaded.value.id }, include: memberInclude });
  return ok(
    rows
      .map(toMember)
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user.name.localeCompare(b.user.name) || a.user.email.localeCompare(b.user.email)),
  );
}

/** Adds a user, by email, to a team project with a role (owners and administrators). */
export async function addMember(deps: ProjectDeps, actor: Actor | null, projectId: unknown, input: unknown): Promise<Result<Member>> {
  const loaded = await loadProjectFor(deps, actor, "manage_members", projectId);
  if (!loaded.ok) return loaded;
  const parsed = parseInput(addMemberSchema, input);
  if (!parsed.ok) return parsed;
  const { email, role } = parsed.value;
  const user = await deps.db.user.findUnique({ where: { email }, select: { id: true, name: true } });
  if (!user) return fail("not_found", `No account has the email ${email}.`, { email: "No account has this email." });
  const project = loaded.value;
  const existing = await deps.db.projectMember.findUnique({ where: { projectId_userId: { projectId: project.id, userId: user.id } } });
  if (existing)
    return fail("conflict", `${user.name} is already a member of "${project.name}" (${existing.role}): change their role instead.`, {
      email: "Already a member.",
    });
  try {
    const created = await deps.db.$transaction(async (tx) => {
      const row = await tx.projectMember.create({ data: { projectId: project.id, userId: user.id, role }, include: memberInclude });
      await recordAudit(tx, actor as Actor, { action: "membership.add", objectId: row.id, projectId: project.id, after: { userId: user.id, email, role } });
      return row;
    });
    return ok(toMember(created));
  } catch (error) {
    if (isUniqueViolation(error)) return fail("conflict", `${user.name} was just added to "${project.name}".`);
    throw error;
  }
}

/** The membership a change is about, and whether changing it would leave the project without an owner. */
async function membershipFor(deps: ProjectDeps, actor: Actor | null, projectId: unknown, userId: unknown) {
  const loaded = await loadProjectFor(deps, actor, "manage_members", projectId);
  if (!loaded.ok) return loaded;
  const project = loaded.value;
  const row =
    typeof userId === "string" && userId.length <= 64
      ? await deps.db.projectMember.findUnique({ where: { projectId_userId: { projectId: project.id, userId } }, include: memberInclude })
      : null;
  if (!row) return fail("not_found", `That user is not a member of "${project.name}".`);
  const lastOwner = row.role === "owner" && (await deps.db.projectMember.count({ where: { projectId: project.id, role: "owner" } })) === 1;
  return ok({ project, row, lastOwner });
}

const KEEP_AN_OWNER = "A project keeps at least one owner: make someone else an owner first.";

export async function setMemberRole(deps: ProjectDeps, actor: Actor | null, projectId: unknown, userId: unknown, input: unknown): Promise<Result<Member>> {
  const found = await membershipFor(deps, actor, projectId, userId);
  if (!found.ok) return found;
  const parsed = parseInput(memberRoleSchema, input);
  if (!parsed.ok) return parsed;
  const { row, lastOwner } = found.value;
  if (lastOwner && parsed.value.role !== "owner") return fail("conflict", KEEP_AN_OWNER);
  // A change made here is the project's own from now on: the next sign-in's group claims do not undo it.
  const { role } = parsed.value;
  const updated = await deps.db.$transaction(async (tx) => {
    const changed = await tx.projectMember.update({ where: { id: row.id }, data: { role, source: "manual" }, include: memberInclude });
    const who = { userId: row.userId, email: row.user.email };
    await recordAudit(tx, actor as Actor, {
      action: "membership.update",
      objectId: row.id,
      projectId: row.projectId,
      before: { ...who, role: row.role },
      after: { ...who, role },
    });
    return changed;
  });
  return ok(toMember(updated));
}

export async function removeMember(deps: ProjectDeps, actor: Actor | null, projectId: unknown, userId: unknown): Promise<Result<Member>> {
  const found = await membershipFor(deps, actor, projectId, userId);
  if (!found.ok) return found;
  const { row, lastOwner } = found.value;
  if (lastOwner) return fail("conflict", KEEP_AN_OWNER);
  await deps.db.$transaction(async (tx) => {
    await tx.projectMember.delete({ where: { id: row.id } });
    await recordAudit(tx, actor as Actor, {
      action: "membership.remove",
      objectId: row.id,
      projectId: row.projectId,
      before: { userId: row.userId, email: row.user.email, role: row.role },
    });
  });
  return ok(toMember(row));
}
