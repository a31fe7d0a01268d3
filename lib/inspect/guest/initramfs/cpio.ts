import { InspectError } from "../../errors";
import type { ByteSource } from "./byte-source";

export type CpioFormat = "newc" | "crc" | "odc";

export interface CpioEntry {
  /** As stored: usually relative ("usr/lib/modules/..."), sometimes with a leading "./" or "/". */
  name: string;
  /** st_mode, file-type bits included. */
  mode: number;
  size: number;
  format: CpioFormat;
}

/** Why a run of archives ended. "other" leaves the source at the first byte that is not cpio (a compressed segment). */
export type CpioEnd = "end" | "other" | "stopped";

/** Where a run of archives is: how many ended with their trailer, and whether it stands between two archives. */
export interface CpioProgress {
  archives: number;
  betweenArchives: boolean;
}

/** Linux's PATH_MAX: no real name is longer; a bound on hostile headers. */
const MAX_NAME = 4096;
const TRAILER = "TRAILER!!!";
const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
const ascii = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

function field(header: Uint8Array, start: number, length: number, radix: 8 | 16): number {
  const text = ascii.decode(header.subarray(start, start + length));
  if (!(radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/).test(text)) {
    throw new InspectError("corrupt", `A cpio header in the initramfs has an invalid field "${text}".`);
  }
  return parseInt(text, radix);
}

export const isRegularFile = (entry: CpioEntry) => (entry.mode & S_IFMT) === S_IFREG;

async function exact(source: ByteSource, length: number, what: string): Promise<Uint8Array> {
  const bytes = await source.read(length);
  if (bytes.length < length) throw new InspectError("truncated", `The initramfs ends inside a cpio ${what}.`);
  return bytes;
}

async function skipExact(source: ByteSource, length: number): Promise<void> {
  if ((await source.skip(length)) < length) throw new InspectError("truncated", "The initramfs ends inside a cpio member.");
}

/** Skips the zero padding between archives (GNU cpio pads to 512 bytes; the kernel skips any zeros). Returns false at the end. */
async function skipZeros(source: ByteSource): Promise<boolean> {
  for (;;) {
    const ahead = await source.peek(512);
    if (ahead.length === 0) return false;
    let zeros = 0;
    while (zeros < ahead.length && ahead[zeros] === 0) zeros++;
    await source.skip(zeros);
    if (zeros < ahead.length) return true;
  }
}

/**
 * Reads cpio archives one after another (newc, crc and the portable odc
 * format; the kernel's initramfs is a concatenation of them), calling `visit`
 * for every member but the trailer. File data is skipped, never kept: on a
 * seekable source it is not even read. Stops when `visit` returns true.
 */
export async function readCpioArchives(
  source: ByteSource,
  visit: (entry: CpioEntry) => boolean,
  progress: CpioProgress = { archives: 0, betweenArchives: true },
): Promise<CpioEnd> {
  for (;;) {
    if (!(await skipZeros(source))) return "end";
    const magic = ascii.decode(await source.peek(6));
    if (magic.startsWith("0707")) progress.betweenArchives = false;
    let entry: CpioEntry;
    let padding: (length: number) => number;
    if (magic === "070701" || magic === "070702") {
      const header = await exact(source, 110, "header");
      const nameSize = field(header, 94, 8, 16);
      if (nameSize < 1 || nameSize > MAX_NAME) throw new InspectError("corrupt", "A cpio header in the initramfs has an invalid name length.");
      const name = await exact(source, nameSize, "name");
      await skipExact(source, (4 - ((110 + nameSize) % 4)) % 4);
      entry = {
        name: utf8.decode(name.subarray(0, nameSize - 1)),
        mode: field(header, 14, 8, 16),
        size: field(header, 54, 8, 16),
        format: magic === "070701" ? "newc" : "crc",
      };
      padding = (length) => (4 - (length % 4)) % 4;
    } else if (magic === "070707") {
      const header = await exact(source, 76, "header");
      const nameSize = field(header, 59, 6, 8);
      if (nameSize < 1 || nameSize > MAX_NAME) throw new InspectError("corrupt", "A cpio header in the initramfs has an invalid name length.");
      const name = await exact(source, nameSize, "name");
      entry = { name: utf8.decode(name.subarray(0, nameSize - 1)), mode: field(header, 18, 6, 8), size: field(header, 65, 11, 8), format: "odc" };
      padding = () => 0;
    } else {
      return "other";
    }
    if (entry.name === TRAILER) {
      await skipExact(source, entry.size + padding(entry.size));
      progress.archives++;
      progress.betweenArchives = true;
      continue;
    }
    if (visit(entry)) return "stopped";
    await skipExact(source, entry.size + padding(entry.size));
  }
}
