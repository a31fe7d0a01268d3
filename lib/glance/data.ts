import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Actor } from "../auth/actor";
import { type LoadedImage, loadFor } from "../catalog/access";
import { type Download, openDownload } from "../catalog/download";
import type { ImageStatus } from "../catalog/image";
import { writeWhile } from "../catalog/lifecycle";
import { loadProjectFor, refusePlatformAddition } from "../catalog/project-access";
import { type DomainError, fail, ok, type Result } from "../result";
import { batching } from "../uploads/batches";
import { freeSpace } from "../uploads/disk";
import { finishUpload } from "../uploads/finish";
import { UploadHashes } from "../uploads/hashes";
import { tooLargeMessage } from "../uploads/messages";
import { checkRoom, type QuotaProject } from "../uploads/room";
import type { GlanceDeps } from "./deps";
import { GLANCE_STATUS } from "./document";

/** A failure met while the bytes stream in: what the client is told. */
class Refused extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

/**
 * The PUT's two digests (MD5 for Glance's `checksum`, SHA-256 for Hangar's), each in a worker thread of its own that reads
 * the staging file behind the writes (from the page cache): the event loop only moves bytes, and on two cores the
 * hashes run beside the receive rather than after each chunk (measured: docs/benchmarks.md, "Glance uploads").
 * Normal priority, as an import's: the client's answer waits for both.
 */
const DIGESTS = { md5: new UploadHashes({ lowPriority: false }), sha256: new UploadHashes({ lowPriority: false }) } as const;
type Digest = keyof typeof DIGESTS;
const DIGEST_NAMES = Object.keys(DIGESTS) as Digest[];

/** How far the writes go before the hashing workers hear of it. */
const GROW_EVERY = 4 << 20;

/**
 * Streams `body` into `file`, counted on its `data` events (no transform, no promise per read) and stopped past `limit`
 * (the declared length, or the size limit), with the digests following the writes. Answers the length.
 */
async function receive(body: Readable, file: string, id: string, limit: number, tooMany: () => DomainError): Promise<number> {
  const out = fs.createWriteStream(file, { highWaterMark: 4 << 20 });
  let received = 0;
  let grown = 0;
  body.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) {
      // Destroyed, the body may still deliver what it had buffered: none of it is hashed or counted on.
      body.destroy(new Refused(tooMany()));
      return;
    }
    if (out.bytesWritten - grown < GROW_EVERY) return;
    grown = out.bytesWritten;
    for (const name of DIGEST_NAMES) DIGESTS[name].grow(id, file, grown, name);
  });
  await pipeline(body, batching(), out);
  return received;
}

/** The digests of the `length` bytes in `file`, once the workers have caught up. */
async function digestsOf(id: string, file: string, length: number): Promise<Record<Digest, string>> {
  const [md5, sha256] = await Promise.all(DIGEST_NAMES.map(async (name) => (await DIGESTS[name].begin(id, file, length, name)).digest));
  return { md5, sha256 };
}

const forgetDigests = (id: string) => DIGEST_NAMES.forEach((name) => DIGESTS[name].forget(id));

/** The image's project as its quota sees it; null for a platform image. */
export async function quotaProject(deps: GlanceDeps, projectId: string | null): Promise<QuotaProject | null> {
  if (projectId === null) return null;
  return deps.db.project.findUniqueOrThrow({ where: { id: projectId }, select: { id: true, name: true, kind: true, quotaBytes: true } });
}

/**
 * An image the actor may give bytes to: one they see (404 otherwise), added to as an upload adds to its project
 * (or the platform catalog, for administrators).
 */
export async function dataTarget(deps: GlanceDeps, actor: Actor | null, id: string): Promise<Result<LoadedImage>> {
  const loaded = await loadFor(deps, actor, "view", id);
  if (!loaded.ok) return loaded;
  const image = loaded.value;
  const creator = actor as Actor;
  if (image.visibility === "platform") {
    const refused = refusePlatformAddition(creator);
    if (refused) return refused;
  } else {
    const project = await loadProjectFor(deps, creator, "upload", image.projectId);
    if (!project.ok) return project;
  }
  return loaded;
}

/** The image whose bytes are about to arrive (a PUT, a stage or a web-download): a data target queued with no bytes arriving nor staged (409 otherwise). */
export async function queuedTarget(deps: GlanceDeps, actor: Actor | null, id: string): Promise<Result<LoadedImage>> {
  const target = await dataTarget(deps, actor, id);
  if (!target.ok) return target;
  const image = target.value;
  const busy = (await deps.db.upload.count({ where: { imageId: image.id } })) + (await deps.db.imageImport.count({ where: { imageId: image.id } }));
  if (image.status !== "uploading" || busy > 0)
    return fail(
      "conflict",
      `The image is ${GLANCE_STATUS[image.status as ImageStatus]}${busy ? ", its data arriving or staged" : ""}: only a queued image takes data. Create a new image for other bytes.`,
    );
  return ok(image);
}

/** What becomes of the bytes once in: finished at once (PUT .../file), or staged until an import call asks (PUT .../stage, glance-direct). */
export type Landing = "finish" | "stage";

/**
 * Glance's data upload (PUT /v2/images/{id}/file), for a queued image, with a declared length or chunked: the
 * bytes stream to a staging file, counted and hashed (MD5 for Glance's checksum, SHA-256 for Hangar's), then
 * become a complete upload that finishes as every upload does, validation included (saving, then active or
 * killed). Adding bytes is adding an image: the same judgement as an upload into the image's project.
 * Staged (glance-direct's PUT .../stage), the complete upload waits, marked so, for the import (lib/glance/import.ts).
 */
export async function receiveImageData(
  deps: GlanceDeps,
  actor: Actor | null,
  id: string,
  body: Readable,
  declared: number | null,
  landing: Landing = "finish",
): Promise<Result<null>> {
  const target = await queuedTarget(deps, actor, id);
  if (!target.ok) return target;
  const image = target.value;
  const creator = actor as Actor;
  const { maxImageSize } = deps.config;
  if (declared !== null && declared > maxImageSize) return fail("too_large", tooLargeMessage(declared, maxImageSize));
  const project = await quotaProject(deps, image.projectId);
  // The bytes land in the staging directory first, on this node's disk even when the upload area is a bucket.
  await fsp.mkdir(deps.stagingDir, { recursive: true });
  const where = { freeSpace: () => freeSpace(deps.stagingDir), label: "uploads" };
  const room = await checkRoom(deps, project, declared ?? 0, where);
  if (!room.ok) return room;

  const name = randomBytes(16).toString("hex");
  const staged = path.join(deps.stagingDir, `${name}.part`);
  const tooMany = (): DomainError =>
    declared === null
      ? { code: "too_large", message: tooLargeMessage(maxImageSize + 1, maxImageSize) }
      : { code: "invalid", message: `The body is longer than its Content-Length (${declared} bytes).` };
  const discard = () => {
    forgetDigests(name);
    return fsp.rm(staged, { force: true });
  };
  let length: number;
  try {
    length = await receive(body, staged, name, declared ?? maxImageSize, tooMany);
  } catch (error) {
    await discard();
    if (error instanceof Refused) return { ok: false, error: error.error };
    return fail("invalid", "The upload was cut short before its last byte; nothing was kept. Send the data again.");
  }
  const refusal =
    declared !== null && length !== declared
      ? fail("invalid", `The body held ${length} of the ${declared} bytes its Content-Length declared; nothing was kept.`)
      : length === 0
        ? fail("invalid", "The upload holds no bytes: send the image's data.")
        : declared === null
          ? // The bytes are on disk already (a full disk would have failed the write): only the quota is left to check.
            await checkRoom(deps, project, length, { freeSpace: () => Promise.resolve(null), label: "uploads" })
          : ok(null);
  if (!refusal.ok) {
    await discard();
    return refusal;
  }
  let md5: string;
  let sha256: string;
  try {
    ({ md5, sha256 } = await digestsOf(name, staged, length));
  } catch {
    await discard();
    return fail("unavailable", "The server could not read back the bytes it received; nothing was kept. Send the data again.");
  }
  const uploadId = randomBytes(16).toString("hex");
  try {
    // One upload per image (its unique index): of two PUTs at once, one wins; a deleted image takes none.
    await deps.db.upload.create({
      data: {
        id: uploadId,
        userId: creator.id,
        imageId: image.id,
        fileName: image.sourceFileName ?? image.name,
        length: BigInt(length),
        offset: BigInt(length),
        staged: landing === "stage",
      },
    });
  } catch {
    await discard();
    return fail("conflict", "The image was deleted, or took other data, while these bytes arrived; nothing was kept.");
  }
  // Staged, the SHA-256 waits on the image for the finish that the import call starts, maybe on another node.
  await writeWhile(deps.db, image.id, ["uploading"], landing === "stage" ? { md5, sha256 } : { md5 });
  await deps.area.receive(uploadId, staged);
  if (landing === "stage") return ok(null);
  // The SHA-256 was computed from these very bytes: the finish takes it rather than reading them again.
  const finished = await finishUpload(deps, uploadId, { sha256 });
  return finished.ok ? ok(null) : finished;
}

/** What GET .../file answers: the bytes (lib/catalog/download.ts), or nothing yet for a queued image (Glance's 204). */
export type ImageData = { status: 204 } | Download;

/** Glance's data download: the stored bytes, with Content-MD5 (hex, as Glance sends it) when the MD5 is known. */
export async function openImageData(deps: GlanceDeps, actor: Actor | null, id: string, range: string | undefined): Promise<Result<ImageData>> {
  const loaded = await loadFor(deps, actor, "view", id);
  if (!loaded.ok) return loaded;
  if (loaded.value.status === "uploading") return ok({ status: 204 });
  const download = await openDownload(deps, actor, loaded.value.id, range);
  if (!download.ok) return download;
  // The MD5 is of the whole file as uploaded: not of a range, nor of a converted upload's stored bytes.
  const md5 = download.value.status === 200 && !loaded.value.disk?.originalFormat ? loaded.value.md5 : null;
  return ok({ ...download.value, headers: { ...download.value.headers, ...(md5 ? { "content-md5": md5 } : {}) } });
}
