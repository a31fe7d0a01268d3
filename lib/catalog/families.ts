import type { Actor } from "../auth/actor";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import type { CatalogDeps } from "./deps";
import { defaultProjectId } from "../projects/personal";
import { type Image, type ImageStatus, SETTLED_STATUSES, type Visibility } from "./image";
import { imageInclude, toImage, viewerOf } from "./image-view";
import { nameScope } from "./image-name";
import { judgeProject, PUBLIC_PLATFORM_STATUSES } from "./policy";
import { membershipsOf, projectSubject } from "./standing";
import { familySchema, newestFirst, versionKey, versionSchema } from "./version-order";

/**
 * A reference to a version of a family, accepted wherever an image id is: `FAMILY@latest` (the newest ready
 * version, never a deprecated, obsolete or deleted one) or `FAMILY@VERSION` (that version, whatever its state,
 * so that what was pinned keeps resolving and learns its replacement).
 */
export interface FamilyRef {
  family: string;
  version: string;
}

export const LATEST = "latest";

export function parseFamilyRef(raw: string): FamilyRef | null {
  const at = raw.lastIndexOf("@");
  if (at < 0) return null;
  const ref = { family: raw.slice(0, at), version: raw.slice(at + 1) };
  // Exactly as written: the schemas trim, a reference does not.
  if (familySchema.safeParse(ref.family).data !== ref.family) return null;
  return ref.version === LATEST || versionSchema.safeParse(ref.version).data === ref.version ? ref : null;
}

export const formatFamilyRef = (ref: FamilyRef) => `${ref.family}@${ref.version}`;

interface Scope {
  scope: string;
  visibility: Visibility;
  /** The statuses the actor may see there; all when absent. */
  statuses?: ImageStatus[];
}

/**
 * The name scopes a family name is looked up in, in order: the family in the actor's default project (their
 * token's, else their personal project) first, then the platform's. A project's family of the same name as a
 * platform one shadows it for that project's members only.
 */
async function scopesFor(db: Db, actor: Actor, visibility?: Visibility): Promise<Scope[]> {
  const own: Scope = { scope: nameScope("private", await defaultProjectId(db, actor)), visibility: "private" };
  const platform: Scope = {
    scope: nameScope("platform", null),
    visibility: "platform",
    ...(actor.role === "admin" ? {} : { statuses: PUBLIC_PLATFORM_STATUSES }),
  };
  if (visibility === "private") return [own];
  if (visibility === "platform") return [platform];
  return [own, platform];
}

interface VersionRow {
  id: string;
  version: string | null;
  status: string;
}

/** The newest of some versions whose status is one of `statuses`, by the version order. */
export function newestIn<T extends VersionRow>(rows: T[], statuses: readonly string[]): T | null {
  return (
    rows
      .filter((row) => statuses.includes(row.status))
      .sort(newestFirst)
      .at(0) ?? null
  );
}

/** The image id a family reference names for this actor, or null when it names none the actor may see. */
export async function resolveFamilyRef(db: Db, actor: Actor, ref: FamilyRef): Promise<string | null> {
  for (const { scope, statuses } of await scopesFor(db, actor)) {
    const where: Prisma.ImageWhereInput = { nameScope: scope, family: ref.family, ...(statuses ? { status: { in: statuses } } : {}) };
    if (ref.version !== LATEST) {
      const row = await db.image.findFirst({ where: { ...where, versionKey: versionKey(ref.version) }, select: { id: true } });
      if (row) return row.id;
      continue;
    }
    const rows = await db.image.findMany({ where: { AND: [where, { status: "ready" }] }, select: { id: true, version: true, status: true } });
    const latest = newestIn(rows, ["ready"]);
    if (latest) return latest.id;
    // A family whose versions are all retired (or still in flight) resolves to nothing, not to another scope's family.
    if ((await db.image.count({ where })) > 0) return null;
  }
  return null;
}

export interface FamilyHistory {
  family: string;
  visibility: Visibility;
  /** The version FAMILY@latest resolves to, if any. */
  latestId: string | null;
  /** Newest first, every state included. */
  versions: Image[];
}

/** A family's version history, as the history page and `hangar versions` show it. */
export async function familyHistory(deps: CatalogDeps, actor: Actor | null, rawFamily: unknown, visibility?: Visibility): Promise<Result<FamilyHistory>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const family = familySchema.safeParse(rawFamily);
  if (!family.success) return fail("not_found", "No such family.");
  const viewer = await viewerOf(deps.db, actor);
  for (const scope of await scopesFor(deps.db, actor, visibility)) {
    const rows = await deps.db.image.findMany({
      where: { nameScope: scope.scope, family: family.data, ...(scope.statuses ? { status: { in: scope.statuses } } : {}) },
      include: imageInclude(viewer),
    });
    if (rows.length === 0) continue;
    rows.sort(newestFirst);
    const versions = rows.map((row) => toImage(viewer, row));
    return ok({ family: family.data, visibility: scope.visibility, latestId: newestIn(rows, ["ready"])?.id ?? null, versions });
  }
  return fail("not_found", `There is no family "${family.data}" you can see.`);
}

/**
 * The ids of versions a list leaves out because a newer version of their family stands for them: per family, the
 * newest ready version, else the newest deprecated, obsolete, deleted one in that order. Versions on their way in
 * (uploading, validating) and rejected ones stay listed on their own, so their owner sees them.
 * Computed on read, from the family rows the list's own filter matches (families hold tens of versions, not millions).
 */
export async function supersededVersionIds(db: Db, where: Prisma.ImageWhereInput): Promise<string[]> {
  const rows = await db.image.findMany({
    where: { AND: [where, { family: { not: null }, status: { in: [...SETTLED_STATUSES] } }] },
    select: { id: true, nameScope: true, family: true, version: true, status: true },
  });
  const byFamily = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = `${row.nameScope}\n${row.family}`;
    byFamily.set(key, [...(byFamily.get(key) ?? []), row]);
  }
  const superseded: string[] = [];
  for (const versions of byFamily.values()) {
    const standing = SETTLED_STATUSES.map((status) => newestIn(versions, [status])).find((row) => row !== null);
    superseded.push(...versions.filter((row) => row !== standing).map((row) => row.id));
  }
  return superseded;
}

/** The policy's answer to an upload into the project (lib/catalog/project-access.ts asks it the same way, with messages this needs not). */
async function mayUploadInto(deps: CatalogDeps, actor: Actor, projectId: string): Promise<boolean> {
  if (projectId.length > 64) return false;
  const project = await projectSubject(deps.db, await membershipsOf(deps.db, actor), projectId);
  return project !== null && judgeProject(actor, "upload", project).decision === "allow";
}

/**
 * What the upload dialog fills in for a new version of `family`: the previous version's properties, if the
 * project uploaded into (`projectId`; null: the actor's default, as checkNewImage takes it) has such a family.
 * A project the actor may not upload into offers nothing, so that its families stay unknown.
 */
export async function familyDefaults(deps: CatalogDeps, actor: Actor | null, rawFamily: unknown, visibility: Visibility, projectId: string | null = null) {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const family = familySchema.safeParse(rawFamily);
  if (!family.success) return ok(null);
  if (visibility === "platform" && actor.role !== "admin") return ok(null);
  if (visibility === "private" && projectId !== null && !(await mayUploadInto(deps, actor, projectId))) return ok(null);
  const scope = visibility === "platform" ? nameScope("platform", null) : nameScope("private", projectId ?? (await defaultProjectId(deps.db, actor)));
  const previous = await previousVersion(deps.db, scope, family.data);
  if (!previous) return ok(null);
  const { version, description, minMemoryMiB, minDiskGiB, osType, osDistro, osVersion, architecture, firmware } = previous;
  return ok({ version, description, minMemoryMiB, minDiskGiB, osType, osDistro, osVersion, architecture, firmware });
}

/**
 * The version before a new one: the newest accepted version of the family in that scope (in flight and rejected
 * ones are not a model), whose properties the new one starts from.
 */
export async function previousVersion(db: Db, scope: string, family: string) {
  const rows = await db.image.findMany({ where: { nameScope: scope, family, status: { in: [...SETTLED_STATUSES] } } });
  return rows.sort(newestFirst).at(0) ?? null;
}
