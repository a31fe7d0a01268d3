import { humanBytes } from "../units";

/**
 * A cheap fingerprint of a file's content, sent as `sample` in Upload-Metadata so that
 * resuming an unfinished upload can tell the file it started with from another one of
 * the same size: the SHA-256 of the size (8 bytes, big-endian), the first MiB and the
 * last MiB (a file of 2 MiB or less is hashed whole). Hashing the whole file would
 * take minutes for a large image before the first byte could be sent; disk images that
 * differ almost always differ in their first or last MiB (partition table, header,
 * footer, backup GPT). Works on any Blob: a browser File, or Node's fs.openAsBlob.
 */

export const SAMPLE_BYTES = 1024 * 1024;

/** Lowercase hex; null where WebCrypto is missing (a browser on a page not served over HTTPS or localhost). */
export async function sampleFingerprint(file: Blob): Promise<string | null> {
  // Typed as always there, but a browser leaves it out on a page not served over HTTPS or localhost.
  const subtle = globalThis.crypto.subtle as SubtleCrypto | undefined;
  if (!subtle) return null;
  const headEnd = Math.min(SAMPLE_BYTES, file.size);
  const tailStart = Math.max(headEnd, file.size - SAMPLE_BYTES);
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(file.size));
  const sampled = new Blob([size, file.slice(0, headEnd), file.slice(tailStart, file.size)]);
  const digest = await subtle.digest("SHA-256", await sampled.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export interface ResumableUpload {
  fileName: string;
  length: number;
  metadata: Record<string, string>;
}

/**
 * Why `file` cannot continue `upload`, or null when it can. An upload created without a
 * sample (by a client that sends none), or a browser that cannot compute one, is
 * matched on its size alone.
 */
export async function resumeRefusal(file: Blob, upload: ResumableUpload, sample?: string | null): Promise<string | null> {
  if (file.size !== upload.length) {
    // Sizes a few bytes apart read the same rounded: then give them exactly.
    const exact = humanBytes(file.size) === humanBytes(upload.length);
    const show = (bytes: number) => (exact ? `${bytes.toLocaleString("en-US")} bytes` : humanBytes(bytes));
    return `That file is ${show(file.size)}; this upload is ${show(upload.length)}. Select ${upload.fileName}.`;
  }
  const stored = upload.metadata.sample;
  if (!stored) return null;
  const actual = sample === undefined ? await sampleFingerprint(file) : sample;
  if (actual === null || actual === stored.toLowerCase()) return null;
  return `This is not the file that upload started with: its content differs from ${upload.fileName}, though the size is the same. Nothing was sent. Select ${upload.fileName}, or discard this upload and start a new one.`;
}
