import { recordAudit } from "../audit/record";
import { nameKey } from "../catalog/image-name";
import type { Db } from "../db/client";
import type { WantedMembership } from "./groups";
import { type HeldMembership, type MembershipChange, planMembershipSync } from "./membership-sync";

type Tx = Pick<Db, "project" | "projectMember" | "auditEvent">;

/** A team project the mapping names and nobody made yet: the system's doing, in the audit trail. */
async function createTeamProject(db: Tx, name: string, key: string) {
  const row = await db.project.create({ data: { name, nameKey: key, kind: "team" }, select: { id: true, kind: true } });
  await recordAudit(db, "system", { action: "project.create", objectId: row.id, projectId: row.id, after: { name, kind: "team", by: "single sign-on" } });
  return row;
}

/**
 * The team projects a sign-in's mapping names, by name key (names compare as project names do), created
 * when missing: a mapping is an administrator's configuration, so a project it names is one they want
 * (a directory group for a team that has no project yet gets one on its first member's sign-in).
 */
async function teamProjects(db: Tx, wanted: readonly WantedMembership[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const { project: name } of wanted) {
    const key = nameKey(name);
    if (ids.has(key)) continue;
    const row =
      (await db.project.findUnique({ where: { nameKey: key }, select: { id: true, kind: true } })) ??
      // A concurrent sign-in creating the same project makes this one fail on the unique name: provisionSsoUser tries again.
      (await createTeamProject(db, name, key));
    // A personal project is its user's alone: a mapping that names one (the config check refuses "@") gives nothing.
    if (row.kind === "team") ids.set(key, row.id);
  }
  return ids;
}

/**
 * Applies the group mapping to a user's team memberships in the caller's transaction (the sign-in's):
 * lib/sso/membership-sync.ts plans it; a membership it adds is marked source "sso", and only those
 * are changed or removed later, so what an owner gave by hand stays. A removal that would leave a
 * project without an owner is skipped (the project keeps its owner until someone else is one).
 * Returns the changes made, for the log.
 */
export async function syncProjectMemberships(db: Tx, userId: string, wanted: readonly WantedMembership[]): Promise<MembershipChange[]> {
  const projects = await teamProjects(db, wanted);
  const rows = await db.projectMember.findMany({
    where: { userId, project: { kind: "team" } },
    select: { id: true, projectId: true, role: true, source: true, project: { select: { nameKey: true } } },
  });
  const held: HeldMembership[] = rows.map((row) => ({
    project: row.project.nameKey,
    role: row.role === "owner" || row.role === "member" ? row.role : "viewer",
    source: row.source === "sso" ? "sso" : "manual",
  }));
  const byKey = new Map(rows.map((row) => [row.project.nameKey, row]));
  const plan = planMembershipSync(
    held,
    wanted.flatMap(({ project, role }) => (projects.has(nameKey(project)) ? [{ project: nameKey(project), role }] : [])),
  );
  const applied: MembershipChange[] = [];
  for (const change of plan) {
    const row = byKey.get(change.project);
    // Recorded as the system's doing: the directory's groups decided, not a person in Hangar.
    if (change.kind === "add") {
      const projectId = projects.get(change.project);
      if (!projectId) continue;
      const added = await db.projectMember.create({ data: { projectId, userId, role: change.role, source: "sso" } });
      await recordAudit(db, "system", { action: "membership.add", objectId: added.id, projectId, after: { userId, role: change.role, source: "sso" } });
    } else if (row && change.kind === "update") {
      if (row.role === "owner" && (await lastOwner(db, row.projectId))) continue;
      await db.projectMember.update({ where: { id: row.id }, data: { role: change.to } });
      const values = { objectId: row.id, projectId: row.projectId, before: { role: row.role }, after: { role: change.to } };
      await recordAudit(db, "system", { action: "membership.update", ...values });
    } else if (row) {
      if (row.role === "owner" && (await lastOwner(db, row.projectId))) continue;
      await db.projectMember.delete({ where: { id: row.id } });
      await recordAudit(db, "system", { action: "membership.remove", objectId: row.id, projectId: row.projectId, before: { userId, role: row.role } });
    }
    applied.push(change);
  }
  return applied;
}

const lastOwner = async (db: Tx, projectId: string) => (await db.projectMember.count({ where: { projectId, role: "owner" } })) <= 1;
