import type { Actor } from "../auth/actor";
import type { Prisma } from "../db/generated/client";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { supersededVersionIds } from "./families";
import { type Image, type ImageStatus, imageInclude, RETIRED_STATUSES, type SortKey, toImage } from "./image";
import { searchKey } from "./image-name";
import { PUBLIC_PLATFORM_STATUSES } from "./policy";
import type { ListQuery } from "./schemas";

/** The platform catalog, the actor's private images, or both (the API's default). */
export type ListScope = "platform" | "mine" | "all";

export interface ImagePage {
  items: Image[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
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

const isRetired = (status: ImageStatus) => (RETIRED_STATUSES as readonly ImageStatus[]).includes(status);

/**
 * Admins see platform images on their way in (uploading, validating, rejected); users only usable ones.
 * Deprecated, obsolete and deleted images only when asked for, as GCP's --show-deprecated.
 */
function platformStatusFilter(actor: Actor, deprecated: boolean): Prisma.ImageWhereInput {
  if (actor.role === "admin") return deprecated ? {} : { status: { notIn: [...RETIRED_STATUSES] } };
  return { status: { in: PUBLIC_PLATFORM_STATUSES.filter((status) => deprecated || !isRetired(status)) } };
}

/**
 * One page of a catalog list: the platform catalog, the actor's own private images, or both. A family shows
 * as one row, its newest version (lib/catalog/families.ts); its history page has the others.
 */
export async function listImages(deps: CatalogDeps, actor: Actor | null, scope: ListScope, query: ListQuery): Promise<Result<ImagePage>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  const platform: Prisma.ImageWhereInput = { visibility: "platform", ...platformStatusFilter(actor, query.deprecated) };
  const mine: Prisma.ImageWhereInput = {
    visibility: "private",
    ownerId: actor.id,
    ...(query.deprecated ? {} : { status: { notIn: [...RETIRED_STATUSES] } }),
  };
  return ok(await pageOf(deps, { platform, mine, all: { OR: [platform, mine] } }[scope], query));
}

/**
 * The search matches keys (lib/catalog/image-name.ts), folded in JavaScript and free of LIKE's special
 * characters, so `contains` is a plain case-insensitive substring match, the same on SQLite and PostgreSQL.
 */
async function pageOf(deps: CatalogDeps, filter: Prisma.ImageWhereInput, query: ListQuery): Promise<ImagePage> {
  const matching = query.q ? { ...filter, nameKey: { contains: searchKey(query.q) } } : filter;
  const superseded = await supersededVersionIds(deps.db, matching);
  const where = superseded.length ? { AND: [matching, { id: { notIn: superseded } }] } : matching;
  const [total, rows] = await Promise.all([
    deps.db.image.count({ where }),
    deps.db.image.findMany({
      where,
      include: imageInclude,
      orderBy: orderBy(query.sort, query.dir),
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / query.pageSize));
  return { items: rows.map(toImage), total, page: query.page, pageSize: query.pageSize, pageCount };
}

export async function getImage(deps: CatalogDeps, actor: Actor | null, id: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "view", id);
  return loaded.ok ? ok(toImage(loaded.value)) : loaded;
}

/** Private images of every user, for the admin's publish list. */
export async function listPrivateImagesForAdmin(deps: CatalogDeps, actor: Actor | null, query: ListQuery): Promise<Result<ImagePage>> {
  if (!actor) return fail("unauthenticated", "Sign in first.");
  if (actor.role !== "admin") return fail("forbidden", "Only administrators can do that.");
  return ok(await pageOf(deps, { visibility: "private" }, query));
}
