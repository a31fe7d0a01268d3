import fs from "node:fs/promises";
import path from "node:path";
import { CONVERSION_TARGETS, type ConversionTarget } from "../convert/convert-disk";
import { type DiskTaskLimits, runDiskTask } from "../convert/run-disk-task";
import { type Env, positive, readEnv } from "../env";
import { inspectImage } from "../inspect";
import { defineOutcomes } from "../inspect/codes";
import { openFileReader } from "../inspect/readers/file";
import type { FormatInfo } from "../inspect/report";
import { hashFile } from "../storage/hash-file";
import { parseDuration } from "../units";
import type { CatalogDeps } from "./deps";
import { newStorageKey } from "./keys";
import { readStored } from "./read-stored";
import { writeWhile } from "./lifecycle";

/** The check the catalog adds to the report of an image it converted, and of one it could not. */
export const CONVERSION = defineOutcomes("upload.conversion", {
  converted: {
    status: "pass",
    message: [
      "Converted from {original} to {target} on the server; the checks below are of the converted disk.",
      "Its virtual-disk digest, {digest}, is the original's: the conversion changed no byte the guest sees.",
    ],
  },
  conversion_failed: {
    status: "fail",
    message: "Hangar could not convert this {original} image on the server: {reason}.",
  },
});

/**
 * HANGAR_CONVERT_TO: what uploads in VHD, VHDX, VDI or QED are converted to, "qcow2" (the default: sparse,
 * and what the cloud clones from) or "raw". Read at start; another value stops the server.
 */
export function conversionTarget(env: Env = process.env): ConversionTarget {
  const parse = (text: string) => CONVERSION_TARGETS.find((target) => target === text.trim().toLowerCase());
  return readEnv(env, "HANGAR_CONVERT_TO", parse, "qcow2", `one of ${CONVERSION_TARGETS.join(", ")}`);
}

/**
 * A conversion's bounds: HANGAR_CONVERSION_TIME_LIMIT (6h: the converter writes about 100 MiB/s here,
 * docs/benchmarks.md, so hours are hundreds of GiB) and a heap of 512 MiB (it holds a few MiB of buffers and
 * one 8-byte table entry per 64 KiB cluster written). At the lowest priority, as inspection.
 */
export function conversionLimits(env: Env = process.env): DiskTaskLimits {
  return {
    timeLimitMs: readEnv(env, "HANGAR_CONVERSION_TIME_LIMIT", positive(parseDuration), 6 * 3600_000, "a duration such as 6h"),
    memoryLimitMb: 512,
    nice: 19,
  };
}

export interface Converted {
  /** The store's key of the converted file (adopted; the original's key is untouched). */
  storageKey: string;
  format: ConversionTarget;
  size: number;
  sha256: string;
  /** The virtual-disk digest of the original, equal to the converted file's (verified). */
  digest: string;
}

/**
 * Converts the stored image `storageKey` (inspected as `info`) to `target` on a worker thread, then verifies
 * the output: read back through its own tables on another worker, its virtual-disk digest must be the
 * original's, computed from the bytes the conversion read. The verified file goes into the store under a
 * new key. A conversion left half done by a restart is started again from the beginning (its directory is
 * cleared first). `onProgress` gets the fraction done: conversion then verification.
 */
export async function convertStoredImage(
  deps: CatalogDeps,
  image: { id: string; storageKey: string },
  info: FormatInfo,
  target: ConversionTarget,
  onProgress: (fraction: number) => void,
): Promise<Converted> {
  const dir = path.join(deps.scratchDir, image.id);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const out = path.join(dir, `converted.${target}`);
    const limits = conversionLimits();
    // The original read where it lies; the output is written to scratch, then adopted by the store.
    const { digest } = await readStored(deps, image.storageKey, "conversion", (source) =>
      runDiskTask(source, { kind: "convert", info, out, target }, (f) => onProgress(f * 0.75), undefined, limits),
    );
    const output = await openFileReader(out);
    try {
      const written = await inspectImage(output, { depth: "format" });
      if (written.format !== target || written.virtualSize !== info.virtualSize) throw new Error(`the converter wrote a ${written.format} of another size`);
      const check = await runDiskTask(output, { kind: "digest", info: written }, (f) => onProgress(0.75 + f * 0.2), undefined, limits);
      if (check.digest !== digest) throw new Error("the converted disk read back differs from the original");
    } finally {
      await output.close();
    }
    const { sha256, size } = await hashFile(out);
    const storageKey = newStorageKey();
    await deps.store.adopt(storageKey, out);
    return { storageKey, format: target, size, sha256, digest };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Puts a verified conversion in place of the original: records what the original was (format, size, SHA-256)
 * and the disk's digest, then points the image at the converted bytes, while it is still validating and still
 * holds the original (lib/catalog/lifecycle.ts). The original's bytes are removed; when the image moved on
 * meanwhile (deleted), the converted ones are, and false says the caller lost.
 */
export async function putConversionInPlace(
  deps: CatalogDeps,
  image: { id: string; storageKey: string; fileSize: bigint; sha256: string | null },
  original: Pick<FormatInfo, "format" | "subformat">,
  converted: Converted,
): Promise<boolean> {
  const record = {
    digest: converted.digest,
    originalFormat: original.format,
    originalSubformat: original.subformat ?? null,
    originalSize: image.fileSize,
    originalSha256: image.sha256,
  };
  let moved = false;
  try {
    await deps.db.imageDisk.upsert({ where: { imageId: image.id }, create: { imageId: image.id, ...record }, update: record });
    moved = await writeWhile(
      deps.db,
      image.id,
      ["validating"],
      { storageKey: converted.storageKey, diskFormat: converted.format, fileSize: BigInt(converted.size), sha256: converted.sha256 },
      { storageKey: image.storageKey },
    );
  } catch (error) {
    // The image was deleted between the two writes (its disk record went with it, or could not be written).
    if (!(error as { code?: unknown }).code) throw error;
  }
  await deps.store.remove(moved ? image.storageKey : converted.storageKey);
  return moved;
}
