import { createHash, type Hash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { type ExportRequest, exportQuery } from "../convert/targets";
import { humanBytes } from "../units";
import { errorFrom, type HangarClient, type Image } from "./client";
import { CliError, localFileError, usageError } from "./errors";
import { EXIT } from "./exit-codes";
import { interrupted } from "./interrupt";
import { ProgressBar } from "./progress";
import { throttle } from "./throttle";

export interface DownloadOptions {
  /** A file, a directory, or "-" for standard output; the image's name in the current directory by default. */
  output?: string;
  force?: boolean;
  /** Bytes per second. */
  limitRate?: number;
  signal: AbortSignal;
  log(text: string): void;
}

export interface DownloadResult {
  /** "present": the file was already there, complete and verified; nothing was transferred. */
  outcome: "downloaded" | "present";
  file: string | null;
  bytes: number;
  resumedFrom: number;
  verified: boolean;
}

const EXTENSIONS: Record<string, string> = { qcow2: "qcow2", vmdk: "vmdk", raw: "raw" };

/** The image's name as a file name: no path separators, control characters or leading dots. */
export function defaultFileName(image: Pick<Image, "name" | "diskFormat">): string {
  const base =
    image.name
      .replace(/[/\\\u0000-\u001f\u007f]/g, "_")
      .replace(/^\.+/, "")
      .trim() || "image";
  return `${base}.${EXTENSIONS[image.diskFormat ?? ""] ?? "img"}`;
}

export function targetPath(image: Pick<Image, "name" | "diskFormat">, output: string | undefined): string {
  if (!output) return path.resolve(defaultFileName(image));
  const resolved = path.resolve(output);
  return fs.existsSync(resolved) && fs.statSync(resolved).isDirectory() ? path.join(resolved, defaultFileName(image)) : resolved;
}

async function hashOf(file: string, hash: Hash = createHash("sha256")): Promise<Hash> {
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash;
}

function meter(hash: Hash | null, onBytes: (count: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash?.update(chunk);
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}

export async function transfer(
  body: Readable,
  sink: Writable,
  hash: Hash | null,
  options: DownloadOptions,
  bar: ProgressBar,
  start: number,
  file: string,
): Promise<number> {
  let done = start;
  const stages: (Readable | Transform | Writable)[] = [body];
  if (options.limitRate) stages.push(throttle(options.limitRate));
  stages.push(
    meter(hash, (count) => {
      done += count;
      bar.update(done);
    }),
    sink,
  );
  try {
    await pipeline(stages, { signal: options.signal });
  } catch (error) {
    if (options.signal.aborted) throw interrupted(`Interrupted after ${humanBytes(done)}. Run the same command again to resume.`);
    // A write error (ENOSPC, EIO) does not carry the file's path; name it for the user.
    throw localFileError(error, file) ?? error;
  }
  return done;
}

/** The image's bytes from `start`: as stored, or exported to another format on the server (`?format=`, `&compression=`). */
export async function request(client: HangarClient, image: Image, start: number, signal: AbortSignal, exported?: ExportRequest): Promise<Response> {
  const query = exported ? exportQuery(exported) : "";
  const response = await client
    .fetch(`/images/${encodeURIComponent(image.id)}/file${query}`, { headers: start > 0 ? { range: `bytes=${start}-` } : {}, signal })
    .catch((error: unknown) => {
      if (signal.aborted) throw interrupted("Interrupted. Run the same command again to resume.");
      throw error;
    });
  if (!response.ok) throw await errorFrom(response);
  return response;
}

export const bodyOf = (response: Response) => Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);

/**
 * Downloads an image to FILE.part, resuming a partial one with Range, checks
 * the sha256 of the whole file against the server's, then renames it to FILE.
 */
export async function downloadImage(client: HangarClient, image: Image, options: DownloadOptions): Promise<DownloadResult> {
  const expected = image.sha256;
  if (options.output === "-") {
    const response = await request(client, image, 0, options.signal);
    const hash = createHash("sha256");
    const bar = new ProgressBar("download", image.fileSize);
    const bytes = await transfer(bodyOf(response), process.stdout, hash, options, bar, 0, "standard output");
    bar.finish();
    if (expected && hash.digest("hex") !== expected) throw new CliError(EXIT.failed, "The sha256 of the downloaded bytes does not match the image's checksum.");
    return { outcome: "downloaded", file: null, bytes, resumedFrom: 0, verified: Boolean(expected) };
  }

  const file = targetPath(image, options.output);
  if (fs.existsSync(file)) {
    if (!options.force) {
      if (expected && fs.statSync(file).size === image.fileSize && (await hashOf(file)).digest("hex") === expected) {
        return { outcome: "present", file, bytes: image.fileSize, resumedFrom: image.fileSize, verified: true };
      }
      throw usageError(`${file} exists and is not this image; use --force to overwrite it, or -o another file.`);
    }
  }
  const part = `${file}.part`;
  let resume = true;
  for (;;) {
    let start = resume && fs.existsSync(part) ? fs.statSync(part).size : 0;
    if (start > image.fileSize) start = 0;
    let hash = createHash("sha256");
    if (start > 0) {
      options.log(`Resuming ${path.basename(part)} from ${humanBytes(start)} of ${humanBytes(image.fileSize)}.`);
      await hashOf(part, hash);
    }
    let bytes = start;
    if (start < image.fileSize) {
      const response = await request(client, image, start, options.signal);
      // 200 to a Range request: the server sends the whole file, which replaces the partial one.
      const from = response.status === 206 ? start : 0;
      if (from === 0) hash = createHash("sha256");
      const bar = new ProgressBar(path.basename(file), image.fileSize, { initial: from });
      bytes = await transfer(bodyOf(response), fs.createWriteStream(part, { flags: from > 0 ? "a" : "w" }), hash, options, bar, from, part);
      bar.finish();
      start = from;
    }
    const actual = hash.digest("hex");
    if (!expected || actual === expected) {
      fs.renameSync(part, file);
      return { outcome: "downloaded", file, bytes, resumedFrom: start, verified: Boolean(expected) };
    }
    fs.rmSync(part, { force: true });
    if (start > 0 && resume) {
      options.log("The resumed file does not match the image's sha256 (the partial file was of something else); downloading again from the start.");
      resume = false;
      continue;
    }
    throw new CliError(
      EXIT.failed,
      `The sha256 of the download (${actual}) does not match the image's (${expected}). The file was removed; run the command again.`,
    );
  }
}
