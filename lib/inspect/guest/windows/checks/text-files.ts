import type { GuestFs } from "../../../fs/guest-fs";

/** A small text file as Windows writes them: UTF-16LE with a byte-order mark, or UTF-8/ANSI; null when it is not there. */
export async function readWindowsText(guest: GuestFs, path: string, maxBytes = 1024 * 1024): Promise<string | null> {
  const bytes = await guest.readFile(path, maxBytes);
  if (!bytes) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes);
}
