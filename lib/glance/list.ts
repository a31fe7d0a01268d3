import { z } from "zod";
import type { Image, ImageStatus } from "../catalog/image";
import type { Prisma } from "../db/generated/client";
import { decimal } from "../parse";
import { SHARE_STATUSES, type ShareStatus } from "../projects/share-status";
import { fail, ok, type Result } from "../result";
import { GLANCE_STATUS, type GlanceStatus } from "./document";

/** Glance's default page and its most (api_limit_max); a larger limit is cut to it, as Glance does. */
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;

/** What a list sorts by: Glance's name for it, the column, and the marker image's value of it. */
const SORT_KEYS = {
  name: { column: "name", of: (image: Image) => image.name },
  created_at: { column: "createdAt", of: (image: Image) => new Date(image.createdAt) },
  updated_at: { column: "updatedAt", of: (image: Image) => new Date(image.updatedAt) },
  size: { column: "fileSize", of: (image: Image) => BigInt(image.fileSize) },
  id: { column: "id", of: (image: Image) => image.id },
} as const;

type SortKey = keyof typeof SORT_KEYS;
const SORT_NAMES = ["name", "created_at", "updated_at", "size", "id"] as const satisfies readonly SortKey[];
type Direction = "asc" | "desc";

/** Query booleans arrive as Python writes them ("True"), or as JSON does. */
const booleanText = (label: string) =>
  z.enum(["true", "false", "True", "False", "1", "0"], { error: `${label} is true or false.` }).transform((value) => ["true", "True", "1"].includes(value));

/** Property filters on Hangar's columns, by Glance's names. */
const COLUMN_FILTERS = {
  os_distro: "osDistro",
  os_version: "osVersion",
  os_type: "osType",
  architecture: "architecture",
  hw_firmware_type: "firmware",
  disk_format: "diskFormat",
} as const;

const text = z.string().max(1024, "A filter is at most 1024 characters.");

const listQuerySchema = z
  .object({
    limit: z
      .preprocess(decimal, z.number({ error: "limit is a whole number." }).int("limit is a whole number.").min(0, "limit cannot be negative."))
      .optional(),
    marker: z.string().min(1).max(64).optional(),
    sort: z.string().max(1024).optional(),
    sort_key: z.array(z.enum(SORT_NAMES, { error: `Hangar sorts images by ${SORT_NAMES.join(", ")}.` })).optional(),
    sort_dir: z.array(z.enum(["asc", "desc"], { error: "sort_dir is asc or desc." })).optional(),
    name: text.optional(),
    visibility: z.enum(["public", "private", "shared", "all"], { error: "visibility is public, private, shared or all." }).optional(),
    tag: z.array(text).optional(),
    os_hidden: booleanText("os_hidden").optional(),
    member_status: z.enum([...SHARE_STATUSES, "all"], { error: "member_status is accepted, pending, rejected or all." }).optional(),
    status: z.enum([...new Set(Object.values(GLANCE_STATUS))] as [GlanceStatus, ...GlanceStatus[]], { error: "Not an image status." }).optional(),
    os_distro: text.optional(),
    os_version: text.optional(),
    os_type: text.optional(),
    architecture: text.optional(),
    hw_firmware_type: text.optional(),
    disk_format: text.optional(),
  })
  .strict();

/** Parameters that may come more than once. */
const REPEATED = ["sort_key", "sort_dir", "tag"];

/** A list request, checked: what to match, in what order, from which image on, how many. */
export interface ListRequest {
  where: Prisma.ImageWhereInput;
  order: { key: SortKey; dir: Direction }[];
  marker: string | null;
  limit: number;
  /** Deprecated images too (os_hidden=true lists only them). */
  deprecated: boolean;
  /** The images shared with the caller by members in these states (Glance's member_status; accepted unless asked). */
  shareStatuses: readonly ShareStatus[];
}

function sortOrder(query: z.output<typeof listQuerySchema>): Result<{ key: SortKey; dir: Direction }[]> {
  let order: { key: SortKey; dir: Direction }[];
  if (query.sort !== undefined) {
    if (query.sort_key || query.sort_dir) return fail("invalid", "Give either sort, or sort_key and sort_dir, not both.");
    order = [];
    for (const part of query.sort.split(",")) {
      const pieces = part.trim().split(":");
      const [key = "", dir = "asc"] = pieces;
      if (!(SORT_NAMES as readonly string[]).includes(key)) return fail("invalid", `Hangar sorts images by ${SORT_NAMES.join(", ")}; not by '${key}'.`);
      if ((dir !== "asc" && dir !== "desc") || pieces.length > 2) return fail("invalid", `A sort direction is asc or desc, as in sort=name:asc.`);
      order.push({ key: key as SortKey, dir });
    }
  } else {
    const keys = query.sort_key ?? ["created_at"];
    const dirs = query.sort_dir ?? [];
    if (dirs.length > 1 && dirs.length !== keys.length) return fail("invalid", "Give one sort_dir for every sort_key, or one for all.");
    order = keys.map((key, index) => ({ key, dir: dirs[dirs.length > 1 ? index : 0] ?? "desc" }));
  }
  // The id breaks ties, so that a marker names one place in the order.
  if (!order.some((entry) => entry.key === "id")) order.push({ key: "id", dir: order.at(-1)?.dir ?? "desc" });
  return ok(order);
}

/** Glance's status filter as Hangar's statuses. */
const statusesOf = (status: GlanceStatus): ImageStatus[] => (Object.keys(GLANCE_STATUS) as ImageStatus[]).filter((key) => GLANCE_STATUS[key] === status);

/** Reads a list's query string: limit and marker, sort, and the filters Hangar has (anything else is refused, by name). */
export function parseListQuery(params: URLSearchParams): Result<ListRequest> {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) raw[key] = REPEATED.includes(key) ? params.getAll(key) : (params.get(key) ?? "");
  const parsed = listQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues.at(0);
    if (issue?.code === "unrecognized_keys")
      return fail(
        "invalid",
        `Hangar does not filter images by ${issue.keys.join(", ")}. It filters by name, visibility, tag, os_hidden, member_status, status and ${Object.keys(COLUMN_FILTERS).join(", ")}.`,
      );
    return fail("invalid", issue?.message ?? "Invalid query.");
  }
  const query = parsed.data;
  const order = sortOrder(query);
  if (!order.ok) return order;
  const where: Prisma.ImageWhereInput[] = [];
  if (query.name !== undefined) where.push({ name: query.name });
  if (query.visibility === "public") where.push({ visibility: "platform" });
  if (query.visibility === "private") where.push({ visibility: "private", shares: { none: {} } });
  if (query.visibility === "shared") where.push({ visibility: "private", shares: { some: {} } });
  for (const tag of query.tag ?? []) where.push({ tags: { some: { tag } } });
  if (query.os_hidden) where.push({ status: "deprecated" });
  if (query.status) where.push({ status: { in: statusesOf(query.status) } });
  for (const [glance, column] of Object.entries(COLUMN_FILTERS)) {
    const value = query[glance as keyof typeof COLUMN_FILTERS];
    if (value !== undefined) where.push({ [column]: value });
  }
  return ok({
    where: { AND: where },
    order: order.value,
    marker: query.marker ?? null,
    limit: Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT),
    deprecated: query.os_hidden === true,
    shareStatuses: query.member_status === "all" ? SHARE_STATUSES : [query.member_status ?? "accepted"],
  });
}

export function orderByOf(order: ListRequest["order"]): Prisma.ImageOrderByWithRelationInput[] {
  return order.map(({ key, dir }) => ({ [SORT_KEYS[key].column]: dir }));
}

/** The images after `marker` in the order: keyset paging, so that a page stays right while images come and go. */
export function afterMarker(order: ListRequest["order"], marker: Image): Prisma.ImageWhereInput {
  return {
    OR: order.map(({ key, dir }, index) => ({
      AND: [
        ...order.slice(0, index).map((earlier) => ({ [SORT_KEYS[earlier.key].column]: SORT_KEYS[earlier.key].of(marker) })),
        { [SORT_KEYS[key].column]: { [dir === "asc" ? "gt" : "lt"]: SORT_KEYS[key].of(marker) } },
      ],
    })),
  };
}

/** The next page's link, relative to the root (an absolute one broke glanceclient): the same query, from the page's last image. */
export function nextLink(params: URLSearchParams, last: string): string {
  const next = new URLSearchParams(params);
  next.set("marker", last);
  return `/v2/images?${next.toString()}`;
}
