import * as tus from "tus-js-client";
import { IMAGE_ID_HEADER, UPLOAD_PATH, UPLOAD_RETRY_DELAYS, worthRetrying } from "../protocol";
import { ChunkSizer } from "./chunk-size";
import type { UploadStart } from "./plan";
import { serverMessage } from "./server-message";

/** What one transfer tells the UploadManager; the manager decides what each means for the upload's state. */
export interface TransferHandlers {
  /** The server created the upload (or the one to continue answered): bytes can go. */
  created(url: string): void;
  imageId(id: string): void;
  /** Continuing an upload: where the server's copy ends. */
  resumedAt(offset: number): void;
  progress(sent: number): void;
  /** A request failed in a way another try may fix; attempt `attempt` follows in `delayMs`. */
  retrying(attempt: number, delayMs: number): void;
  /** The server acknowledged the last byte. */
  succeeded(): void;
  /** No more tries: `status` of the last answer (0 without one), the server's message, and whether the browser is offline. */
  failed(failure: { status: number; message: string | null; offline: boolean }): void;
}

export interface Transfer {
  start(): void;
  /** Stops sending; start() continues from the server's offset. */
  stop(): Promise<void>;
  /** Stops sending and has the server delete what it received (and the image waiting for it). */
  discard(): Promise<void>;
}

export type Transport = (start: UploadStart, handlers: TransferHandlers) => Transfer;

export interface TusTransportOptions {
  /** The tus endpoint: relative in the browser (same origin), absolute in Node. */
  endpoint?: string;
  /** Extra request headers (a test's session cookie). */
  headers?: Record<string, string>;
  /** How tus-js-client reads the file: the browser's own by default. */
  fileReader?: tus.UploadOptions["fileReader"];
  /** Whether the browser has a network. */
  online?: () => boolean;
  now?: () => number;
}

const isOnline = () => typeof navigator === "undefined" || navigator.onLine;

/**
 * Transfers with tus-js-client: retries with UPLOAD_RETRY_DELAYS after a lost connection (never
 * before the server created the upload: then the dialog shows the refusal at once), PATCH sizes
 * chosen from the measured throughput (ChunkSizer), and the upload URL remembered under the
 * file's fingerprint so that dropping the same file again after a reload finds it.
 */
export function tusTransport(options: TusTransportOptions = {}): Transport {
  const online = options.online ?? isOnline;
  const now = options.now ?? (() => performance.now());
  return (start, handlers) => {
    const sizer = new ChunkSizer();
    let created = false;
    let patch: { offset: number; at: number } | null = null;
    const upload: tus.Upload = new tus.Upload(start.file, {
      endpoint: options.endpoint ?? UPLOAD_PATH,
      uploadUrl: start.resumeUrl,
      headers: options.headers ?? {},
      ...(options.fileReader ? { fileReader: options.fileReader } : {}),
      chunkSize: sizer.nextOf(start.file.size),
      retryDelays: UPLOAD_RETRY_DELAYS,
      metadata: start.metadata,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onBeforeRequest(req) {
        patch = req.getMethod() === "PATCH" ? { offset: Number(req.getHeader("Upload-Offset")), at: now() } : null;
      },
      onAfterResponse(req, res) {
        const imageId = res.getHeader(IMAGE_ID_HEADER);
        if (imageId) handlers.imageId(imageId);
        const status = res.getStatus();
        if (req.getMethod() === "HEAD" && status === 200) handlers.resumedAt(Number(res.getHeader("Upload-Offset") ?? 0));
        if (req.getMethod() === "PATCH" && status === 204 && patch) {
          const offset = Number(res.getHeader("Upload-Offset"));
          sizer.measured(offset - patch.offset, now() - patch.at);
          upload.options.chunkSize = sizer.nextOf(start.file.size - offset);
        }
      },
      onUploadUrlAvailable() {
        created = true;
        handlers.created(upload.url ?? "");
      },
      onProgress: (sent) => handlers.progress(sent),
      onShouldRetry(error, attempt) {
        if (!created || !online()) return false;
        const status = error.originalResponse?.getStatus() ?? 0;
        const method = error.originalRequest.getMethod();
        // A proxy's body limit: the same bytes in smaller requests pass.
        const shrunk = status === 413 && method === "PATCH" && patch !== null && sizer.tooLarge(upload.options.chunkSize ?? sizer.next);
        if (shrunk) upload.options.chunkSize = sizer.next;
        if (!shrunk && !worthRetrying(status, method)) return false;
        handlers.retrying(attempt + 1, UPLOAD_RETRY_DELAYS[attempt] ?? 0);
        return true;
      },
      onSuccess: () => handlers.succeeded(),
      onError(error) {
        const status = error instanceof tus.DetailedError ? (error.originalResponse?.getStatus() ?? 0) : 0;
        handlers.failed({ status, message: serverMessage(error), offline: !online() });
      },
    });
    return {
      start: () => upload.start(),
      stop: () => upload.abort(false),
      discard: () => upload.abort(true),
    };
  };
}

/** The upload URLs tus-js-client remembers for a file of this fingerprint (name, type, size, date), for planUpload. */
export async function rememberedUploads(file: File, endpoint = UPLOAD_PATH): Promise<string[]> {
  const previous = await new tus.Upload(file, { endpoint }).findPreviousUploads().catch(() => []);
  return previous.flatMap((upload) => (upload.uploadUrl ? [upload.uploadUrl] : []));
}
