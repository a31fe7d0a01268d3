import type { Readable } from "node:stream";
import type { Actor } from "../auth/actor";
import { fail, ok, type Result } from "../result";
import { loadFor } from "./access";
import type { CatalogDeps } from "./deps";
import { parseRange } from "./range";

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

/** The bytes of an image the actor may download, whole or one Range, as a stream. */
export async function openDownload(deps: CatalogDeps, actor: Actor | null, id: unknown, rangeHeader?: string | null): Promise<Result<Download>> {
  const loaded = await loadFor(deps, actor, "download", id);
  if (!loaded.ok) return loaded;
  const image = loaded.value;
  const size = image.storageKey ? await deps.store.size(image.storageKey) : null;
  if (!image.storageKey || size === null) return fail("not_found", "The bytes of this image are not in storage.");
  const common: Record<string, string> = {
    "accept-ranges": "bytes",
    "content-type": "application/octet-stream",
    "content-disposition": contentDisposition(image.name, image.diskFormat),
    "last-modified": image.updatedAt.toUTCString(),
    ...(image.sha256 ? { etag: `"${image.sha256}"`, "x-checksum-sha256": image.sha256 } : {}),
    // Still usable, but whoever downloads it is told, and told what to use instead.
    ...(image.status === "deprecated" ? { "hangar-deprecation": `deprecated${image.replacement ? `; replacement="${image.replacement}"` : ""}` } : {}),
  };
  const request = parseRange(rangeHeader, size);
  if (request.kind === "unsatisfiable") return ok({ status: 416, headers: { ...common, "content-range": `bytes */${size}` } });
  if (request.kind === "full") {
    return ok({ status: 200, headers: { ...common, "content-length": String(size) }, body: deps.store.openRead(image.storageKey) });
  }
  const { start, end } = request.range;
  return ok({
    status: 206,
    headers: { ...common, "content-length": String(end - start + 1), "content-range": `bytes ${start}-${end}/${size}` },
    body: deps.store.openRead(image.storageKey, request.range),
  });
}
