import type { ByteRange } from "../storage/store";

export type RangeRequest = { kind: "full" } | { kind: "partial"; range: ByteRange } | { kind: "unsatisfiable" };

/**
 * Reads an HTTP Range header for a resource of `size` bytes (RFC 9110 §14).
 * One range is served as 206; several ranges or a malformed header get the
 * whole resource, as the RFC allows; a range past the end is 416.
 */
export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header) return { kind: "full" };
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!match) return { kind: "full" };
  const [, startText, endText] = match;
  if (startText === "" && endText === "") return { kind: "full" };
  if (startText === "") {
    const suffix = Number(endText);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(startText);
  if (start >= size) return { kind: "unsatisfiable" };
  const end = endText === "" ? size - 1 : Math.min(Number(endText), size - 1);
  if (end < start) return { kind: "full" };
  return { kind: "partial", range: { start, end } };
}
