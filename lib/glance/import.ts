import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { z } from "zod";
import type { Actor } from "../auth/actor";
import type { ImageStatus } from "../catalog/image";
import { checkImportRoom, fileNameOf, urlRefusal } from "../imports/create";
import { openUrl, parseImportUrl } from "../imports/guarded-http";
import { runImport } from "../imports/run";
import { parseInput } from "../parse";
import { fail, ok, type Result } from "../result";
import { finishUpload } from "../uploads/finish";
import { dataTarget, queuedTarget, quotaProject } from "./data";
import type { GlanceDeps } from "./deps";
import { type ArrivingStatus, GLANCE_STATUS } from "./document";

/** What an import call names: the method, with its own arguments. Stores are Glance's; Hangar has one, and ignores them. */
const importSchema = z.object({
  method: z.object(
    {
      name: z.string({ error: "method.name names the import method, such as web-download." }),
      uri: z.string().max(4096).optional(),
    },
    { error: 'The body names the import method: {"method": {"name": "web-download", "uri": "https://..."}}.' },
  ),
});

type ImportCall = z.output<typeof importSchema>;

interface ImportMethod {
  /** Starts the import of the image (loaded, the actor allowed): the bytes come in the background. */
  start(deps: GlanceDeps, actor: Actor | null, id: string, call: ImportCall): Promise<Result<null>>;
}

/**
 * Glance's interoperable import methods Hangar offers, in the order it lists them: the table drives
 * /v2/info/import, the OpenStack-image-import-methods header and the import call.
 */
export const IMPORT_METHODS = new Map<string, ImportMethod>([
  ["glance-direct", { start: importStaged }],
  ["web-download", { start: importFromUrl }],
]);

export const IMPORT_METHOD_NAMES = [...IMPORT_METHODS.keys()];

/** The header Glance's create answers with, naming the methods a client may import with. */
export const IMPORT_METHODS_HEADER = { "openstack-image-import-methods": IMPORT_METHOD_NAMES.join(",") };

/** GET /v2/info/import: Glance's discovery document of the import methods. */
export const importInfo = () => ({
  "import-methods": { description: "Import methods available.", type: "array", value: IMPORT_METHOD_NAMES },
});

/**
 * POST /v2/images/{id}/import: starts the named method on the image (202; its status then says how it goes).
 * Another project's image is not found, as through every other route; an image that is not waiting for the
 * method's bytes is a conflict.
 */
export async function importImage(deps: GlanceDeps, actor: Actor | null, id: string, body: unknown): Promise<Result<null>> {
  const call = parseInput(importSchema, body);
  if (!call.ok) return call;
  const method = IMPORT_METHODS.get(call.value.method.name);
  if (!method) return fail("invalid", `Import method '${call.value.method.name}' is not offered here: Hangar offers ${IMPORT_METHOD_NAMES.join(", ")}.`);
  return method.start(deps, actor, id, call.value);
}

/**
 * glance-direct: the bytes PUT .../stage left, complete, become the image's upload and finish as every upload
 * does (saving, then active or killed). Claimed with a conditional write: of two import calls, one finishes.
 */
async function importStaged(deps: GlanceDeps, actor: Actor | null, id: string): Promise<Result<null>> {
  const image = await dataTarget(deps, actor, id);
  if (!image.ok) return image;
  const staged = await deps.db.upload.findFirst({ where: { imageId: image.value.id, staged: true, image: { status: "uploading" } } });
  const claimed = staged ? await deps.db.upload.updateMany({ where: { id: staged.id, staged: true }, data: { staged: false } }) : { count: 0 };
  if (!staged || claimed.count === 0) {
    const status = GLANCE_STATUS[image.value.status as ImageStatus];
    return fail("conflict", `The image is ${status}, with no staged data: glance-direct imports the data PUT to /v2/images/${id}/stage first.`);
  }
  const finished = await finishUpload(deps, staged.id, image.value.sha256 ? { sha256: image.value.sha256 } : undefined);
  return finished.ok ? ok(null) : finished;
}

/**
 * web-download: Hangar's import from a URL (lib/imports: the same address rules, redirects, size limit, quota,
 * unpacking, resumption and validation as the portal's) into the queued image, which shows importing until the
 * bytes are in. The URL is opened before the answer, so that one the rules refuse, or that does not answer, is
 * a 400 naming why; a failure later kills the image, its report saying why (ImageImport.keepsImage).
 */
async function importFromUrl(deps: GlanceDeps, actor: Actor | null, id: string, call: ImportCall): Promise<Result<null>> {
  const target = await queuedTarget(deps, actor, id);
  if (!target.ok) return target;
  const image = target.value;
  if (!call.method.uri) return fail("invalid", 'web-download needs the address of the file: {"method": {"name": "web-download", "uri": "https://..."}}.');
  const url = parseImportUrl(call.method.uri);
  if (typeof url === "string") return fail("invalid", url);
  let opened;
  try {
    opened = await openUrl(url, { config: deps.imports });
  } catch (error) {
    return urlRefusal(error);
  }
  const room = await checkImportRoom(deps, await quotaProject(deps, image.projectId), opened.total);
  if (!room.ok) {
    opened.response.destroy();
    return room;
  }
  const importId = randomBytes(16).toString("hex");
  const fileName = fileNameOf(url);
  try {
    // One import per image (its unique index): of two calls at once, one wins.
    await deps.db.imageImport.create({
      data: {
        id: importId,
        userId: (actor as Actor).id,
        imageId: image.id,
        url: url.href,
        finalUrl: opened.url.href,
        fileName,
        status: "downloading",
        total: opened.total === null ? null : BigInt(opened.total),
        validator: opened.validator,
        keepsImage: true,
      },
    });
  } catch {
    opened.response.destroy();
    return fail("conflict", "The image took other data, or was deleted, while the import started.");
  }
  await deps.db.image.updateMany({
    where: { id: image.id, status: "uploading" },
    data: { fileSize: BigInt(opened.total ?? 0), sourceFileName: image.sourceFileName ?? fileName },
  });
  fs.mkdirSync(deps.downloadDir, { recursive: true });
  void runImport(deps, importId, opened).catch((error: unknown) => console.error(`import ${importId}:`, error));
  return ok(null);
}

/** Which of these images have bytes on their way: staged (uploading) or downloading for a web-download (importing). */
export async function arrivingData(deps: GlanceDeps, images: { id: string; status: string }[]): Promise<Map<string, ArrivingStatus>> {
  const ids = images.filter((image) => image.status === "uploading").map((image) => image.id);
  const arriving = new Map<string, ArrivingStatus>();
  if (ids.length === 0) return arriving;
  const [staged, importing] = await Promise.all([
    deps.db.upload.findMany({ where: { imageId: { in: ids }, staged: true }, select: { imageId: true } }),
    deps.db.imageImport.findMany({ where: { imageId: { in: ids }, status: { in: ["downloading", "finishing"] } }, select: { imageId: true } }),
  ]);
  for (const { imageId } of staged) arriving.set(imageId, "uploading");
  for (const { imageId } of importing) if (imageId) arriving.set(imageId, "importing");
  return arriving;
}
