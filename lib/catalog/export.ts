import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { EXPORT_NAMES, type ExportRequest, type ExportTarget, exportName } from "../convert/targets";
import type { OpenedDisk } from "../convert/raw-stream";
import { runDiskTask } from "../convert/run-disk-task";
import { inspectImage } from "../inspect";
import { openImageDisk } from "../inspect/disk/open-guest-disk";
import { conversionLimits } from "./conversion";
import type { CatalogDeps } from "./deps";

/** The formats an image can be downloaded as besides its own (`?format=`): the converter's targets. */
export type ExportFormat = ExportTarget;

export interface PreparedExport {
  path: string;
  size: number;
}

/** Exports in flight, by file: a second download of the same export waits for the first conversion. */
const preparing = new Map<string, Promise<PreparedExport>>();

/**
 * The image's disk as a file of `format` (QCOW2, VMDK: their tables are written after the data, so they are
 * not sent while converting; raw is streamed instead, see openStoredDisk), converted on a worker thread (lib/convert, as uploads are) and kept
 * under the scratch directory, named by the image's storage key and the export's name (format, and compression: a
 * compressed QCOW2 is kept beside the plain one, exportName): an image's bytes never change
 * once ready, and the converter writes the same bytes for the same disk every time, so a kept export is
 * reused, and a download resumed with Range after a restart continues the same file. The export is removed
 * with the scratch directory's other files, when the image's bytes go on this node (removeExports), or by this
 * node's sweep (lib/catalog/export-sweep.ts: bytes deleted on another node, unused, over the size bound).
 */
export async function prepareExport(deps: CatalogDeps, storageKey: string, request: ExportRequest): Promise<PreparedExport> {
  const file = path.join(exportsDir(deps), `${storageKey}.${exportName(request)}`);
  const running = preparing.get(file);
  if (running) return running;
  const made = (async () => {
    const existing = await fs.stat(file).catch(() => null);
    if (existing) {
      // Its modification time is its last use: the sweep (lib/catalog/export-sweep.ts) removes the least recently used first.
      const now = new Date();
      await fs.utimes(file, now, now).catch(() => undefined);
      return { path: file, size: existing.size };
    }
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const partial = `${file}.${randomBytes(6).toString("hex")}.partial`;
    const reader = await deps.store.openReader(storageKey);
    try {
      const info = await inspectImage(reader, { depth: "format" });
      // No disk digest: the image's is recorded already (validation), and it is what a client checks the export against (X-Disk-Digest).
      const task = { kind: "convert", info, out: partial, target: request.format, compression: request.compression, digest: false } as const;
      const { size } = await runDiskTask(reader, task, undefined, undefined, conversionLimits());
      await fs.rename(partial, file);
      return { path: file, size: size ?? (await fs.stat(file)).size };
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    } finally {
      await reader.close();
    }
  })();
  preparing.set(file, made);
  try {
    return await made;
  } finally {
    preparing.delete(file);
  }
}

/** The guest disk inside an image's stored bytes, read where they lie (a file, or ranged GETs of an object), for a raw export streamed as it is read. */
export function openStoredDisk(deps: CatalogDeps, storageKey: string): () => Promise<OpenedDisk> {
  return async () => {
    const reader = await deps.store.openReader(storageKey);
    try {
      return { disk: await openImageDisk(reader, await inspectImage(reader, { depth: "format" })), close: () => reader.close() };
    } catch (error) {
      await reader.close();
      throw error;
    }
  };
}

/** Where this node keeps its exports: under its own scratch directory. */
export const exportsDir = (deps: CatalogDeps) => path.join(deps.scratchDir, "exports");

/** Removes this node's kept exports of an image's bytes (when they are removed); other nodes' go at their sweep. */
export async function removeExports(deps: CatalogDeps, storageKey: string): Promise<void> {
  await Promise.all(EXPORT_NAMES.map((name) => fs.rm(path.join(exportsDir(deps), `${storageKey}.${name}`), { force: true })));
}

/** An image's bytes and the exports made of them, removed together (deletion, and the deleted deprecation state). */
export async function removeImageBytes(deps: CatalogDeps, storageKey: string): Promise<void> {
  await Promise.all([deps.store.remove(storageKey), removeExports(deps, storageKey)]);
}
