import fs from "node:fs";
import path from "node:path";
import { type ExportRequest, type ExportTarget, exportName } from "../convert/targets";
import { digestDisk } from "../convert/digest";
import { inspectImage } from "../inspect";
import { openImageDisk } from "../inspect/disk/open-guest-disk";
import { openFileReader } from "../inspect/readers/file";
import { humanBytes } from "../units";
import type { HangarClient, Image } from "./client";
import { bodyOf, type DownloadOptions, type DownloadResult, request, targetPath, transfer } from "./download";
import { CliError, usageError } from "./errors";
import { EXIT } from "./exit-codes";
import { ProgressBar } from "./progress";

/**
 * The size of the whole file a response carries part or all of. A raw export sent gzip-encoded (fetch decodes
 * it) has no length of its own: it is the disk's virtual size.
 */
function totalSize(response: Response, image: Image, format: ExportTarget): number | null {
  if (response.headers.has("content-encoding") && format === "raw") return image.virtualSize ?? null;
  const range = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  const total = Number(range?.[1] ?? (response.status === 200 ? response.headers.get("content-length") : NaN));
  return Number.isSafeInteger(total) ? total : null;
}

/** The virtual-disk digest of a local image file, read through its own tables (lib/inspect, lib/convert). */
async function diskDigestOf(file: string): Promise<string> {
  const reader = await openFileReader(file);
  try {
    const info = await inspectImage(reader, { depth: "format" });
    return await digestDisk(await openImageDisk(reader, info));
  } finally {
    await reader.close();
  }
}

/**
 * Downloads an image exported on the server (`?format=`, `&compression=`) to FILE.part, resuming with Range (the
 * server keeps the converted file, so its bytes are the same at every request), then verifies the file's
 * virtual-disk digest against the image's: a different container of the same disk, so the image's sha256
 * cannot say, but the disk digest can. Standard output is written as it comes, unverified.
 */
export async function downloadExport(client: HangarClient, image: Image, exported: ExportRequest, options: DownloadOptions): Promise<DownloadResult> {
  const { format } = exported;
  const expected = image.diskDigest ?? null;
  const named = { name: image.name, diskFormat: format };
  options.log(
    format === "raw"
      ? `Hangar sends the disk of ${image.name} as raw, read from the stored image as it goes.`
      : `Hangar converts ${image.name} to ${exportName(exported)} on the server; on a large image the first request waits for it.`,
  );
  if (options.output === "-") {
    const response = await request(client, image, 0, options.signal, exported);
    const bar = new ProgressBar("download", totalSize(response, image, format) ?? 0);
    const bytes = await transfer(bodyOf(response), process.stdout, null, options, bar, 0, "standard output");
    bar.finish();
    return { outcome: "downloaded", file: null, bytes, resumedFrom: 0, verified: false };
  }
  const file = targetPath(named, options.output);
  if (fs.existsSync(file) && !options.force) {
    if (expected && (await diskDigestOf(file).catch(() => null)) === expected)
      return { outcome: "present", file, bytes: fs.statSync(file).size, resumedFrom: fs.statSync(file).size, verified: true };
    throw usageError(`${file} exists and is not this image; use --force to overwrite it, or -o another file.`);
  }
  const part = `${file}.part`;
  const kept = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (kept > 0) options.log(`Resuming ${path.basename(part)} from ${humanBytes(kept)}.`);
  const response = await request(client, image, kept, options.signal, exported);
  // 200 to a Range request, or a partial file longer than the export: the whole file replaces it.
  const from = response.status === 206 ? kept : 0;
  const size = totalSize(response, image, format) ?? 0;
  const bar = new ProgressBar(path.basename(file), size, { initial: from });
  const bytes = await transfer(bodyOf(response), fs.createWriteStream(part, { flags: from > 0 ? "a" : "w" }), null, options, bar, from, part);
  bar.finish();
  if (expected) {
    options.log(`Checking the disk digest of ${path.basename(part)}...`);
    const actual = await diskDigestOf(part).catch(() => null);
    if (actual !== expected) {
      fs.rmSync(part, { force: true });
      throw new CliError(
        EXIT.failed,
        `The disk inside the download (digest ${actual ?? "unreadable"}) is not the image's (${expected}). The file was removed; run the command again.`,
      );
    }
  }
  fs.renameSync(part, file);
  return { outcome: "downloaded", file, bytes, resumedFrom: from, verified: Boolean(expected) };
}
