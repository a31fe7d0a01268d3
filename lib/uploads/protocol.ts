// Hangar's side of the tus protocol, in one place for the server (lib/uploads), the browser
// (lib/uploads/client) and the CLI (lib/cli/upload.ts). Nothing here may import Node modules.

/** The tus endpoint: POST creates an upload; HEAD, PATCH and DELETE act on `${UPLOAD_PATH}/<id>`. */
export const UPLOAD_PATH = "/api/v1/uploads";

/** The header carrying the id of the image an upload fills: on the creating POST, and on every HEAD and PATCH of the upload. */
export const IMAGE_ID_HEADER = "Hangar-Image-Id";

/**
 * The Upload-Metadata keys Hangar reads when an upload is created (docs/decisions.md, "Uploads").
 * The image properties are the fields of *Edit properties*; `properties` is a JSON object;
 * `sample` is the file's sampleFingerprint (lib/uploads/sample-fingerprint.ts); `family` and `version` make the
 * image a new version of a family, starting from the previous version's properties.
 */
export const METADATA_KEYS = [
  "name",
  "filename",
  "visibility",
  "project",
  "sha256",
  "sample",
  "description",
  "minMemoryMiB",
  "minDiskGiB",
  "osType",
  "osDistro",
  "osVersion",
  "architecture",
  "firmware",
  "properties",
  "family",
  "version",
] as const;

export type MetadataKey = (typeof METADATA_KEYS)[number];

/** Waits between attempts after a lost connection: quick at first, then every minute, about ten minutes in all. */
export const UPLOAD_RETRY_DELAYS = [
  0, 1000, 3000, 5000, 10_000, 15_000, 20_000, 30_000, 30_000, 45_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000,
];

const MiB = 1024 * 1024;

/**
 * How the browser sizes its PATCH requests (lib/uploads/client/chunk-size.ts, docs/decisions.md
 * "Browser"): each PATCH is sized to last about `targetSeconds` at the throughput the previous ones
 * measured, between `min` and `max`, growing at most `growth` times per request. The first is
 * `initial`, before anything is measured. A PATCH refused with 413 (a proxy's body limit) halves `max`.
 */
export const BROWSER_CHUNKS = { initial: 16 * MiB, min: 4 * MiB, max: 4096 * MiB, targetSeconds: 20, growth: 64 } as const;

/**
 * Whether a failed request is worth another try: no answer at all (status 0), a timeout, a lock,
 * too many requests, a server error, or a PATCH whose offset moved (409). Every other 4xx is a
 * refusal another try does not change (a 409 to a creation is a name already taken).
 */
export function worthRetrying(status: number, method: string): boolean {
  return status === 0 || status === 408 || (status === 409 && method === "PATCH") || status === 423 || status === 429 || status >= 500;
}
