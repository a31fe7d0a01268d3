import { expect } from "vitest";
import { InspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";

/** Test-only helpers for the LVM reader. */

/** Bytes as a reader; `log` records every range read. */
export function bytesReader(bytes: Uint8Array, log?: { offset: number; length: number }[]): RandomAccessReader {
  return {
    size: bytes.length,
    async read(offset, length) {
      const part = bytes.slice(offset, Math.min(bytes.length, offset + length));
      log?.push({ offset, length: part.length });
      return part;
    },
  };
}

export async function expectInspectError(promise: Promise<unknown>, code?: InspectError["code"], message?: RegExp): Promise<InspectError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InspectError);
  if (code) expect((error as InspectError).code).toBe(code);
  if (message) expect((error as InspectError).message).toMatch(message);
  return error as InspectError;
}
