import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/actor";
import type { ImageDisk } from "../db/generated/client";
import { fail, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { type Image, PROPERTY_COLUMNS } from "./image";
import { nameColumns } from "./image-name";
import { imageInclude, toImage } from "./image-view";
import { newStorageKey } from "./keys";
import type { InitialStatus } from "./lifecycle";
import { claimName, nameConflict, nameTaken, PLATFORM_SCOPE } from "./names";
import { imageNameSchema } from "./schemas";

const CHOOSE_ANOTHER = "Choose another name for the published copy.";

/** A disk record's values, for the copy of its image. */
const sameDisk = ({ digest, originalFormat, originalSubformat, originalSize, originalSha256 }: ImageDisk) => ({
  digest,
  originalFormat,
  originalSubformat,
  originalSize,
  originalSha256,
});

/** What a published copy takes from its source: the description, the facts of its bytes and the guest's properties. */
const COPIED_COLUMNS = [...PROPERTY_COLUMNS, "properties", "diskFormat", "fileSize", "virtualSize", "sha256", "report"] as const;

const pick = <T, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> => Object.fromEntries(keys.map((key) => [key, row[key]])) as Pick<T, K>;

/**
 * Publishes a project's private image as a platform image: a copy of record and
 * bytes, so the project keeps its image and can delete it without touching the platform one.
 */
export async function publishImage(deps: CatalogDeps, actor: Actor | null, rawId: unknown, rawName?: unknown): Promise<Result<Image>> {
  const loaded = await loadFor(deps, actor, "publish", rawId);
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  if (source.status !== "ready" || !source.storageKey) return fail("conflict", "Only ready images can be published.");
  const parsedName = imageNameSchema.safeParse(rawName ?? source.name);
  if (!parsedName.success)
    return fail("invalid", parsedName.error.issues[0]?.message ?? "Invalid name.", { name: parsedName.error.issues[0]?.message ?? "Invalid name." });
  const name = parsedName.data;
  const admin = actor as Actor;
  if (await nameTaken(deps.db, name, PLATFORM_SCOPE)) return nameConflict(name, PLATFORM_SCOPE, CHOOSE_ANOTHER);
  const storageKey = newStorageKey();
  await deps.store.copy(source.storageKey, storageKey);
  const { disk } = source;
  const create = () =>
    deps.db.$transaction(async (tx) => {
      const row = await tx.image.create({
        data: {
          ...pick(source, COPIED_COLUMNS),
          // A copy of a ready image is ready: validated bytes, the same report.
          status: "ready" satisfies InitialStatus,
          ...nameColumns(name, "platform", null),
          visibility: "platform",
          createdById: admin.id,
          storageKey,
          validationProgress: 100,
          // The same disk: its digest and where it was converted from go with it.
          ...(disk ? { disk: { create: sameDisk(disk) } } : {}),
        },
        include: imageInclude(source.viewer),
      });
      // The owners of the source's project see that it was published, under the new platform image's id.
      await recordAudit(tx, admin, {
        action: "image.publish",
        objectId: row.id,
        projectId: source.projectId,
        after: { name, visibility: "platform", sourceId: source.id, sourceName: source.name },
      });
      return toImage(source.viewer, row);
    });
  let created: Result<Image> | undefined;
  try {
    created = await claimName(name, PLATFORM_SCOPE, create, CHOOSE_ANOTHER);
  } finally {
    // No record for the copied bytes (a lost race or a failed write): they go too.
    if (!created?.ok) await deps.store.remove(storageKey);
  }
  return created;
}
