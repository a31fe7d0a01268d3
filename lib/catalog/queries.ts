import { type Actor, isAdmin } from "../auth/actor";
import { LISTED_SHARE_STATUSES, type ShareStatus } from "../projects/share-status";
import type { Prisma } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { supersededVersionIds } from "./families";
import { type Image, type ImageStatus, RETIRED_STATUSES, type SortKey } from "./image";
import { searchKey } from "./image-name";
import { imageInclude, toImage, type Viewer, viewerOf } from "./image-view";
import type { Db } from "../db/client";
import { withoutBitmapScans } from "../db/without-bitmap-scans";
import { COUNT_CAP, COUNT_WINDOW, needsCount, type PageTotal, pageTotal } from "./page-total";
import { judgeProject, PUBLIC_PLATFORM_STATUSES } from "./policy";
import type { ListQuery } from "./schemas";
import { projectSubject } from "./standing";
import type { ListScope } from "./list-scopes";

export interface ImagePage extends PageTotal {
  items: Image[];
  page: number;
  pageSize: number;
}

function orderBy(sort: SortKey, dir: "asc" | "desc"): Prisma.ImageOrderByWithRelationInput[] {
  const nulls = { sort: dir, nulls: "last" } as const;
  const primary: Prisma.ImageOrderByWithRelationInput = {
    name: { name: dir },
    os: { osDistro: nulls },
    format: { diskFormat: nulls },
    size: { fileSize: dir },
    memory: { minMemoryMiB: nulls },
    status: { status: dir },
    updated: { updatedAt: dir },
  }[sort];
  // The id tie-break keeps paging stable when many rows share a value.
  return sort === "name" ? [primary, { id: "asc" }] : [primary, { name: "asc" }, { id: "asc" }];
}

/** The length of the search keys PostgreSQL's trigram index can narrow. */
const TRIGRAM = 3;

const isRetired = (status: ImageStatus) => (RETIRED_STATUSES as readonly ImageStatus[]).includes(status);

/**
 * Admins see platform images on their way in (uploading, validating, rejected); users only usable ones.
 * Deprecated, obsolete and deleted images only when asked for, as GCP's --show-deprecated.
 */
function platformStatusFilter(actor: Actor, deprecated: boolean): Prisma.ImageWhereInput {
  if (isAdmin(actor) && !actor.limits?.projectId) return deprecated ? {} : { status: { notIn: [...RETIRED_STATUSES] } };
  return { status: { in: PUBLIC_PLATFORM_STATUSES.filter((status) => deprecated || !isRetired(status)) } };
}

/** Which projects a list covers, and whether shares to the actor as a user count: the same reach as the policy's. */
interface Reach {
  projects: string[];
  userShares: boolean;
}

async function reachFor(deps: CatalogDeps, { actor, memberships }: Viewer, projectId: string | null): Promise<Result<Reach>> {
  const limit = actor.limits?.projectId ?? null;
  if (projectId === null) return ok({ projects: [...memberships.keys()].filter((id) => limit === null || id === limit), userShares: limit === null });
  const project = await projectSubject(deps.db, memberships, projectId);
  if (!project || judgeProject(actor, "view", project).decision === "hidden") return fail("not_found", "No such project, or you are not one of its members.");
  // A user's own list is their personal project: what is shared with them as a person shows there.
  return ok({ projects: [project.id], userShares: project.personalUserId === actor.id && limit === null });
}

/** The private images of the reach, or (`which`) only those shared with it: by shares in one of `statuses` (lib/projects/share-status.ts). */
function privateWhere(actor: Actor, reach: Reach, which: "mine" | "shared", statuses: readonly ShareStatus[]): Prisma.ImageWhereInput {
  const status = { in: [...statuses] };
  const sharedWith: Prisma.ImageWhereInput[] = [{ shares: { some: { projectId: { in: reach.projects }, status } } }];
  if (reach.userShares) sharedWith.push({ shares: { some: { userId: actor.id, status } } });
  const shared: Prisma.ImageWhereInput = { projectId: { notIn: reach.projects }, OR: sharedWith };
  return { visibility: "private", ...(which === "shared" ? shared : { OR: [{ projectId: { in: reach.projects } }, shared] }) };
}

/**
 * One page of a catalog list: the platform catalog, the private images of the actor's projects (or of one
 * project, `projectId`) with those shared with them, or both. Shared images carry who shared them. A family
 * shows as one row, its newest version (lib/catalog/families.ts); its history page has the others.
 */
export async function listImages(
  deps: CatalogDeps,
  who: Actor | Viewer | null,
  scope: ListScope,
  query: ListQuery,
  projectId: string | null = null,
): Promise<Result<ImagePage>> {
  if (!who) return fail("unauthenticated", "Sign in first.");
  const viewer = await viewerOf(deps.db, who);
  const filters = await scopeFilters(deps, viewer, query.deprecated, projectId);
  return filters.ok ? ok(await pageOf(deps, viewer, filters.value[scope], query)) : filters;
}

/**
 * What each list scope covers for the viewer (in one project, `projectId`), retired images only with `deprecated`,
 * shared images by the shares in one of `shareStatuses` (accepted ones unless a caller asks, as Glance's member_status).
 */
async function scopeFilters(
  deps: CatalogDeps,
  viewer: Viewer,
  deprecated: boolean,
  projectId: string | null,
  shareStatuses: readonly ShareStatus[] = LISTED_SHARE_STATUSES,
): Promise<Result<Record<ListScope, Prisma.ImageWhereInput>>> {
  const { actor } = viewer;
  const reach = await reachFor(deps, viewer, projectId);
  if (!reach.ok) return reach;
  const platform: Prisma.ImageWhereInput = { visibility: "platform", ...platformStatusFilter(actor, deprecated) };
  const retired: Prisma.ImageWhereInput = deprecated ? {} : { status: { notIn: [...RETIRED_STATUSES] } };
  const mine: Prisma.ImageWhereInput = { AND: [privateWhere(actor, reach.value, "mine", shareStatuses), retired] };
  return ok({
    platform,
    mine,
    shared: { AND: [privateWhere(actor, reach.value, "shared", shareStatuses), retired] },
    all: { OR: [platform, mine] },
  });
}

/** A list of images for another door than the portal's (lib/glance), keyed by the caller's order and page. */
export interface VisibleImagesQuery {
  /** Narrows what the actor sees; it never widens it (it is ANDed with the policy's filter). */
  where: Prisma.ImageWhereInput;
  orderBy: Prisma.ImageOrderByWithRelationInput[];
  take: number;
  /** Deprecated, obsolete and deleted images too. */
  deprecated: boolean;
  /** Images shared with the actor by shares in these states (default: the accepted ones). */
  shareStatuses?: readonly ShareStatus[];
}

/** Every image the actor sees (every version of a family, unlike the portal's list), filtered, ordered and cut by the caller. */
export async function listVisibleImages(deps: CatalogDeps, actor: Actor | null, query: VisibleImagesQuery): Promise<Result<Image[]>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const viewer = await viewerOf(deps.db, actor);
  const filters = await scopeFilters(deps, viewer, query.deprecated, null, query.shareStatuses);
  if (!filters.ok) return filters;
  const rows = await deps.db.image.findMany({
    where: { AND: [filters.value.all, query.where] },
    include: imageInclude(viewer),
    orderBy: query.orderBy,
    take: query.take,
  });
  return ok(rows.map((row) => toImage(viewer, row)));
}

/**
 * The search matches keys (lib/catalog/image-name.ts), folded in JavaScript and free of LIKE's special
 * characters, so `contains` is a plain case-insensitive substring match, the same on SQLite and PostgreSQL.
 * A search is read in two steps: the ids of up to COUNT_WINDOW matching rows from the page's first on (one
 * scan: the trigram scan), then the page's rows by id with their relations. A search that ends within the window
 * needs no count, which would scan again (lib/catalog/page-total.ts). A plain list is one read, the page's rows and
 * one more: it has no trigram scan to spare, and its count (only when the page is full) is served by an index
 * (docs/decisions.md, "The /images page and the API's search: the per-request work").
 */
async function pageOf(deps: CatalogDeps, viewer: Viewer, filter: Prisma.ImageWhereInput, query: ListQuery): Promise<ImagePage> {
  const matching = query.q ? { AND: [filter, { nameKey: { contains: searchKey(query.q) } }] } : filter;
  const superseded = await supersededVersionIds(deps.db, matching);
  const where = superseded.length ? { AND: [matching, { id: { notIn: superseded } }] } : matching;
  if (!query.q) return listPage(deps, viewer, where, query);
  const readWindow = (db: Pick<Db, "image">) =>
    db.image.findMany({ where, select: { id: true }, orderBy: orderBy(query.sort, query.dir), skip: (query.page - 1) * query.pageSize, take: COUNT_WINDOW });
  // A search of one or two characters has no trigram to narrow it: lib/db/without-bitmap-scans.ts.
  const window = query.q && searchKey(query.q).length < TRIGRAM ? await withoutBitmapScans(deps.db, readWindow) : await readWindow(deps.db);
  const ids = window.slice(0, query.pageSize).map((row) => row.id);
  const counts = { page: query.page, pageSize: query.pageSize, read: window.length };
  const [counted, rows] = await Promise.all([
    needsCount(counts) ? deps.db.image.count({ where, take: COUNT_CAP + 1 }) : null,
    // The filter again: an image that left the list between the two reads (unshared, retired) is not shown.
    deps.db.image.findMany({ where: { AND: [where, { id: { in: ids } }] }, include: imageInclude(viewer) }),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const items = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toImage(viewer, row)] : [];
  });
  return { items, ...pageTotal({ ...counts, counted }), page: query.page, pageSize: query.pageSize };
}

/** A plain list's page: its rows and one more (is there a next page?) in one read, counted only when the page is full. */
async function listPage(deps: CatalogDeps, viewer: Viewer, where: Prisma.ImageWhereInput, query: ListQuery): Promise<ImagePage> {
  const skip = (query.page - 1) * query.pageSize;
  const window = query.pageSize + 1;
  const rows = await deps.db.image.findMany({ where, include: imageInclude(viewer), orderBy: orderBy(query.sort, query.dir), skip, take: window });
  const counts = { page: query.page, pageSize: query.pageSize, read: rows.length };
  const counted = needsCount(counts, window) ? await deps.db.image.count({ where, take: COUNT_CAP + 1 }) : null;
  const items = rows.slice(0, query.pageSize).map((row) => toImage(viewer, row));
  return { items, ...pageTotal({ ...counts, counted }), page: query.page, pageSize: query.pageSize };
}

export async function getImage(deps: CatalogDeps, actor: Actor | null, id: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "view", id);
  return loaded.ok ? ok(toImage(loaded.value.viewer, loaded.value)) : loaded;
}

/** Private images of every project, for the admin's publish list. */
export async function listPrivateImagesForAdmin(deps: CatalogDeps, actor: Actor | null, query: ListQuery): Promise<Result<ImagePage>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (!isAdmin(actor) || actor.limits?.projectId) return fail("forbidden", "Only administrators can do that.");
  return ok(await pageOf(deps, await viewerOf(deps.db, actor), { visibility: "private" }, query));
}
