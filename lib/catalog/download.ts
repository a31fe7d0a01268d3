import fs from "node:fs";
import { pipeline, type Readable } from "node:stream";
import Negotiator from "negotiator";
import type { Actor } from "../auth/actor";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { sparseGzip } from "../convert/sparse-gzip";
import { rawDiskStream } from "../convert/raw-stream";
import { type ExportCompression, type ExportRequest, exportName } from "../convert/targets";
import { type ExportFormat, openStoredDisk, prepareExport } from "./export";
import { parseRange } from "./range";
import type { ByteRange } from "../storage/store";

export interface Download {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Absent for 416. */
  body?: Readable;
}

const EXTENSIONS: Record<string, string> = { qcow2: "qcow2", vmdk: "vmdk", raw: "raw" };

function contentDisposition(name: string, format: string | null): string {
  const file = `${name}.${EXTENSIONS[format ?? ""] ?? "img"}`;
  const ascii = file.replace(/[^\x20-\x7e]|["\\/]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file)}`;
}

interface Source {
  size: number;
  format: string | null;
  open: (range?: ByteRange) => Readable;
  /** Validators of these exact bytes: the stored file's SHA-256, or the disk digest and format of an export. */
  checksums: Record<string, string>;
}

export interface DownloadOptions {
  /** `?format=`: the disk converted to another format. */
  format?: ExportFormat;
  /** `?compression=` (with format qcow2): its clusters compressed; an export even of an image stored as QCOW2. */
  compression?: ExportCompression;
  /** The request's Accept-Encoding: a whole raw disk goes gzip-encoded to a client that takes it. */
  acceptEncoding?: string | null;
}

/** A raw disk is mostly zeros, which gzip sends almost for free (lib/convert/sparse-gzip.ts). */
const gzipAccepted = (acceptEncoding: string | null | undefined) =>
  new Negotiator({ headers: { "accept-encoding": acceptEncoding ?? "" } }).encoding(["gzip", "identity"]) === "gzip";

/**
 * The image's disk in another format. Raw is the disk itself, read from its container as it is sent (no
 * wait, nothing kept, a Range is disk offsets); QCOW2 and VMDK come from a kept file (lib/catalog/export.ts).
 */
async function exportSource(
  deps: CatalogDeps,
  imageId: string,
  storageKey: string,
  request: ExportRequest,
  virtualSize: number | null,
): Promise<Result<Omit<Source, "checksums">>> {
  const { format } = request;
  if (format === "raw" && virtualSize !== null) {
    const disk = openStoredDisk(deps, storageKey);
    return ok({ size: virtualSize, format, open: (range) => rawDiskStream(disk, range ?? { start: 0, end: virtualSize - 1 }) });
  }
  try {
    const exported = await prepareExport(deps, storageKey, request);
    return ok({ size: exported.size, format, open: (range) => fs.createReadStream(exported.path, range ? { start: range.start, end: range.end } : {}) });
  } catch (error) {
    console.error(`exporting image ${imageId} as ${format} failed: ${error instanceof Error ? error.message : String(error)}`);
    return fail("conflict", `Hangar could not convert this image to ${format}. Download it as stored instead.`);
  }
}

/**
 * The bytes of an image the actor may download, whole or one Range, as a stream: as stored, or converted to
 * `format` (raw, qcow2, vmdk) when it is another. A Range of an export counts bytes of the exported file,
 * which is the same file at every request (lib/catalog/export.ts), so a download resumes as a stored one
 * does. A whole raw disk is sent gzip-encoded when the client accepts it; a Range is always of the raw
 * bytes themselves, so a resumed download needs no encoding.
 */
export async function openDownload(
  deps: CatalogDeps,
  actor: Actor | null,
  id: unknown,
  rangeHeader?: string | null,
  { format, compression, acceptEncoding }: DownloadOptions = {},
): Promise<Result<Download>> {
  const loaded = await loadFor(deps, actor, "download", id);
  if (!loaded.ok) return loaded;
  const image = loaded.value;
  const { storageKey } = image;
  const size = storageKey ? await deps.store.size(storageKey) : null;
  if (!storageKey || size === null) return fail("not_found", "The bytes of this image are not in storage.");
  const digest: Record<string, string> = image.disk?.digest ? { "x-disk-digest": image.disk.digest } : {};
  let source: Source = {
    size,
    format: image.diskFormat,
    open: (range) => deps.store.openRead(storageKey, range),
    checksums: { ...digest, ...(image.sha256 ? { etag: `"${image.sha256}"`, "x-checksum-sha256": image.sha256 } : {}) },
  };
  if (format && (format !== image.diskFormat || compression)) {
    if (!["ready", "deprecated"].includes(image.status)) return fail("conflict", "Only a validated image can be downloaded in another format.");
    const request: ExportRequest = { format, compression };
    const exported = await exportSource(deps, image.id, storageKey, request, image.virtualSize === null ? null : Number(image.virtualSize));
    if (!exported.ok) return exported;
    source = { ...exported.value, checksums: { ...digest, ...(image.disk?.digest ? { etag: `"${image.disk.digest}.${exportName(request)}"` } : {}) } };
  }
  const common: Record<string, string> = {
    "accept-ranges": "bytes",
    "content-type": "application/octet-stream",
    "content-disposition": contentDisposition(image.name, source.format),
    "last-modified": image.updatedAt.toUTCString(),
    ...source.checksums,
    // Still usable, but whoever downloads it is told, and told what to use instead.
    ...(image.status === "deprecated" ? { "hangar-deprecation": `deprecated${image.replacement ? `; replacement="${image.replacement}"` : ""}` } : {}),
  };
  if (source.format === "raw") common.vary = "accept-encoding";
  const request = parseRange(rangeHeader, source.size);
  if (request.kind === "unsatisfiable") return ok({ status: 416, headers: { ...common, "content-range": `bytes */${source.size}` } });
  if (request.kind === "full" && source.format === "raw" && gzipAccepted(acceptEncoding)) {
    // Another representation: its own validator, and no length until it is encoded.
    const headers: Record<string, string> = { ...common, "content-encoding": "gzip" };
    if (common.etag) headers.etag = common.etag.replace(/"$/, '.gz"');
    return ok({ status: 200, headers, body: pipeline(source.open(), sparseGzip(), () => {}) });
  }
  if (request.kind === "full") return ok({ status: 200, headers: { ...common, "content-length": String(source.size) }, body: source.open() });
  const { start, end } = request.range;
  return ok({
    status: 206,
    headers: { ...common, "content-length": String(end - start + 1), "content-range": `bytes ${start}-${end}/${source.size}` },
    body: source.open(request.range),
  });
}
