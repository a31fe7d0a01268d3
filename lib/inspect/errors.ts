/**
 * Why reading an image stopped. Readers inside lib/inspect throw these; the
 * entry point turns them into failed checks, so a hostile file never escapes
 * as an unhandled error.
 */
export type InspectErrorCode =
  /** The data ends before a structure that must be there. */
  | "truncated"
  /** A structure is inconsistent (bad magic, checksum, pointer out of range). */
  | "corrupt"
  /** Valid, but a feature this reader does not handle. */
  | "unsupported"
  /** A bound was hit (too many entries, too deep, too large to read). */
  | "limit";

export class InspectError extends Error {
  constructor(
    readonly code: InspectErrorCode,
    message: string,
    /** The stable code of the reader's reason, `<subject>.<reason>` ("ntfs.fixup_mismatch"), when its reader has a table of them. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = "InspectError";
  }
}

export const isInspectError = (error: unknown): error is InspectError => error instanceof InspectError;
