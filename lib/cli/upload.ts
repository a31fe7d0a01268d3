import fs from "node:fs";
import path from "node:path";
import { pipeline, type Readable, type Transform } from "node:stream";
import * as tus from "tus-js-client";
import { DetailedError, type HttpRequest, type HttpResponse, type PreviousUpload, Upload, type UrlStorage } from "tus-js-client";
import { humanBytes } from "../units";
import { IMAGE_ID_HEADER, UPLOAD_PATH, UPLOAD_RETRY_DELAYS, worthRetrying } from "../uploads/protocol";
import { errorFrom, type HangarClient, type Image } from "./client";
import { fileSlices } from "./file-slices";
import { CliError } from "./errors";
import { EXIT } from "./exit-codes";
import { interrupted } from "./interrupt";
import { ProgressBar } from "./progress";
import { SequentialHash } from "./sequential-hash";
import { stateDir } from "./state";
import { throttle } from "./throttle";

const RETRY_MINUTES = Math.round(UPLOAD_RETRY_DELAYS.reduce((sum, delay) => sum + delay, 0) / 60_000);

export interface UploadOptions {
  /** Upload-Metadata: name, minMemoryMiB, osDistro, visibility... (lib/uploads/metadata.ts). */
  metadata: Record<string, string>;
  chunkSize: number;
  limitRate?: number;
  signal: AbortSignal;
  log(text: string): void;
}

export interface UploadResult {
  imageId: string;
  size: number;
  /** Bytes this run sent; less than the size when it resumed an earlier run. */
  bytesSent: number;
  /** Where this run started: 0 for a new upload. */
  resumedFrom: number;
  /** The file's sha256, computed from the bytes read for the upload. */
  sha256: string;
  /** True when an earlier run had already sent everything. */
  alreadyComplete: boolean;
}

type StoredUpload = PreviousUpload & { imageId?: string };

// Node's build exports FileUrlStorage; the package's types leave it out.
const { FileUrlStorage } = tus as unknown as { FileUrlStorage: new (path: string) => UrlStorage };

/** tus-js-client's file-based URL storage, with the image id kept next to each upload URL. */
function urlStorage(imageId: () => string | null): UrlStorage {
  const file = new FileUrlStorage(path.join(stateDir(), "uploads.json"));
  return {
    findAllUploads: () => file.findAllUploads(),
    findUploadsByFingerprint: (fingerprint) => file.findUploadsByFingerprint(fingerprint),
    removeUpload: (key) => file.removeUpload(key),
    addUpload: (fingerprint, upload) => file.addUpload(fingerprint, { ...upload, imageId: imageId() ?? undefined } as StoredUpload),
  };
}

function failure(error: Error): Promise<CliError> | CliError {
  if (error instanceof DetailedError && error.originalResponse) {
    const response = error.originalResponse;
    return errorFrom(new Response(response.getBody() || null, { status: response.getStatus() }));
  }
  const cause = error instanceof DetailedError ? error.causingError : error;
  return new CliError(EXIT.unavailable, `The upload failed: ${cause?.message ?? error.message}. Run the same command again to resume.`);
}

/**
 * Uploads a file with tus, resumable across runs: the upload URL is stored
 * under the file's fingerprint (path, size, mtime, endpoint), so running the
 * same command again after Ctrl-C, a dropped connection or a reboot continues
 * from the server's offset. The sha256 is computed from the bytes it reads.
 */
export async function uploadFile(client: HangarClient, file: string, options: UploadOptions): Promise<UploadResult> {
  const size = fs.statSync(file).size;
  const hash = new SequentialHash(file);
  let imageId: string | null = null;
  let bytesSent = 0;
  let resumedFrom = null as number | null;
  /** Between a lost connection and the first answer after it. */
  let reconnecting = false;
  const bar = new ProgressBar(path.basename(file), size);

  const fileReader = {
    openFile() {
      const source = fileSlices(file);
      return Promise.resolve({
        size: source.size,
        close: () => source.close(),
        async slice(start: number, end: number) {
          resumedFrom ??= start;
          await hash.catchUp(start);
          const slice: { value: unknown; done: boolean } = await source.slice(start, end);
          const { value, done } = slice;
          const meter = hash.meter(start, (count) => {
            bytesSent += count;
          });
          // pipeline() returns its last stream and destroys every stage when one fails.
          const body: Transform & { size?: number } = options.limitRate
            ? pipeline(value as Readable, meter, throttle(options.limitRate), () => {})
            : pipeline(value as Readable, meter, () => {});
          body.size = (value as { size?: number }).size;
          return { value: body, done };
        },
      });
    },
  };

  const upload = new Upload(fs.createReadStream(file), {
    endpoint: `${client.url}${UPLOAD_PATH}`,
    headers: { Authorization: `Bearer ${client.token}` },
    metadata: { filename: path.basename(file), ...options.metadata },
    chunkSize: options.chunkSize,
    // Reconnects after a dropped connection for about ten minutes, as the browser does.
    retryDelays: UPLOAD_RETRY_DELAYS,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    urlStorage: urlStorage(() => imageId),
    fileReader,
    onAfterResponse(_request: HttpRequest, response: HttpResponse) {
      imageId = response.getHeader(IMAGE_ID_HEADER) ?? imageId;
      const status = response.getStatus();
      if (reconnecting && status >= 200 && status < 300) {
        reconnecting = false;
        const offset = Number(response.getHeader("Upload-Offset"));
        if (!bar.enabled) options.log(`Reconnected; the upload continues${Number.isFinite(offset) ? ` from ${humanBytes(offset)}` : ""}.`);
      }
    },
    onProgress(sent) {
      bar.setStatus("");
      bar.update(sent);
    },
    onShouldRetry(error, attempt) {
      const status = error.originalResponse?.getStatus() ?? 0;
      if (!worthRetrying(status, error.originalRequest.getMethod())) return false;
      bar.setStatus(`reconnecting (${attempt + 1})`);
      // Off a terminal the bar is silent: say once that the upload is waiting, not on every attempt.
      if (!reconnecting && !bar.enabled) {
        const cause = status ? `the server answered ${status}` : (error.causingError?.message ?? error.message);
        options.log(`The connection to Hangar was lost (${cause}); reconnecting for up to ${RETRY_MINUTES} minutes. Ctrl-C stops; the same command resumes.`);
      }
      reconnecting = true;
      return true;
    },
  });

  const previous = (await upload.findPreviousUploads()) as StoredUpload[];
  for (const earlier of previous) {
    // A run that stopped after its last byte: the image exists and the upload URL is gone.
    if (earlier.imageId) {
      const image = await client.getImage(earlier.imageId).catch(() => null);
      if (image && image.status !== "uploading") {
        await urlStorage(() => null).removeUpload(earlier.urlStorageKey);
        options.log(`This file was already uploaded as ${image.id}.`);
        return { imageId: image.id, size, bytesSent: 0, resumedFrom: size, sha256: await hash.digest(size), alreadyComplete: true };
      }
    }
  }
  const resume = previous.find((earlier) => earlier.uploadUrl);
  if (resume) {
    options.log(`Resuming the upload started ${resume.creationTime.replace("T", " ").slice(0, 19)} UTC.`);
    upload.resumeFromPreviousUpload(resume);
    imageId = resume.imageId ?? null;
  }

  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      void upload.abort(false).finally(() => reject(interrupted(`Interrupted after ${humanBytes(bytesSent)} this run. Run the same command again to resume.`)));
    };
    if (options.signal.aborted) {
      stop();
      return;
    }
    options.signal.addEventListener("abort", stop, { once: true });
    upload.options.onSuccess = () => resolve();
    upload.options.onError = (error) => {
      options.signal.removeEventListener("abort", stop);
      void Promise.resolve(failure(error)).then(reject);
    };
    upload.start();
  });
  bar.update(size);
  bar.finish();
  if (!imageId) throw new CliError(EXIT.unavailable, "The server did not say which image the upload created.");
  return { imageId, size, bytesSent, resumedFrom: resumedFrom ?? size, sha256: await hash.digest(size), alreadyComplete: false };
}

const SETTLED = new Set<Image["status"]>(["ready", "rejected", "deprecated"]);

/** Polls the image until validation has finished, showing its progress on a terminal. */
export function waitForValidation(client: HangarClient, imageId: string, signal: AbortSignal, stream: NodeJS.WriteStream = process.stderr): Promise<Image> {
  return waitForImage(client, imageId, signal, (image) => SETTLED.has(image.status), stream);
}

/** The image once the server has the checksum of its bytes, which it computes behind the upload and records within moments of the last byte. */
export function waitForChecksum(client: HangarClient, imageId: string, signal: AbortSignal, stream: NodeJS.WriteStream = process.stderr): Promise<Image> {
  return waitForImage(client, imageId, signal, (image) => image.sha256 !== null || SETTLED.has(image.status), stream);
}

async function waitForImage(
  client: HangarClient,
  imageId: string,
  signal: AbortSignal,
  done: (image: Image) => boolean,
  stream: NodeJS.WriteStream,
): Promise<Image> {
  for (let wait = 100; ; wait = Math.min(1000, wait * 2)) {
    const image = await client.getImage(imageId);
    if (done(image)) {
      if (stream.isTTY) stream.write("\r\x1b[K");
      return image;
    }
    if (stream.isTTY) stream.write(`\r\x1b[K${image.status} ${image.status === "validating" ? `${image.validationProgress}%` : ""}`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, wait);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          reject(interrupted(`Stopped waiting; the image ${imageId} is still ${image.status}. Check it with: hangar images show ${imageId}`));
        },
        { once: true },
      );
    });
  }
}
