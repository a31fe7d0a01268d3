import { InspectError } from "../../errors";
import type { FileType } from "../file-system";
import { BigEndian } from "./bytes";

/** A directory entry as stored: the name is bytes, the type comes from the ftype byte when the file system has one. */
export interface DirRecord {
  name: Uint8Array;
  ino: number;
  type?: FileType;
}

/** XFS_DIR3_FT_*: 1 regular, 2 directory, 3..6 devices, fifos and sockets, 7 symlink, 8 whiteout. */
export function typeFromFtype(ftype: number): FileType | undefined {
  if (ftype === 1) return "file";
  if (ftype === 2) return "directory";
  if (ftype === 7) return "symlink";
  if (ftype >= 3 && ftype <= 8) return "other";
  return undefined;
}

const DOT = 0x2e;
const SLASH = 0x2f;

export const isDotOrDotDot = (name: Uint8Array): boolean => (name.length === 1 && name[0] === DOT) || (name.length === 2 && name[0] === DOT && name[1] === DOT);

/** The kernel refuses names with "/" or NUL (xfs_dir2_namecheck); so do we, so a path can never be smuggled in. */
export function checkName(name: Uint8Array, where: string): void {
  if (name.length === 0 || name.includes(SLASH) || name.includes(0)) {
    throw new InspectError("corrupt", `An XFS directory entry in ${where} has an invalid name.`);
  }
}

/** Short-form directory (inline in the inode): header, then packed entries. */
export function parseShortForm(fork: Uint8Array, hasFileType: boolean, where: string): { parent: number; entries: DirRecord[] } {
  const view = new BigEndian(fork);
  const fail = (why: string): never => {
    throw new InspectError("corrupt", `The short-form XFS directory ${where} is corrupt: ${why}.`);
  };
  if (fork.length < 6) fail("too short for its header");
  const count = view.u8(0);
  const wide = view.u8(1) > 0;
  const inoSize = wide ? 8 : 4;
  const readIno = (at: number) => (wide ? view.safeU64(at, "inode number") : view.u32(at));
  if (fork.length < 2 + inoSize) fail("too short for its header");
  const parent = readIno(2);
  const entries: DirRecord[] = [];
  let at = 2 + inoSize;
  for (let i = 0; i < count; i++) {
    if (at + 3 > fork.length) fail(`entry ${i} lies past the end`);
    const nameLength = view.u8(at);
    const size = 3 + nameLength + (hasFileType ? 1 : 0) + inoSize;
    if (nameLength === 0 || at + size > fork.length) fail(`entry ${i} lies past the end`);
    const name = view.slice(at + 3, nameLength);
    checkName(name, where);
    const type = hasFileType ? typeFromFtype(view.u8(at + 3 + nameLength)) : undefined;
    entries.push({ name: Uint8Array.from(name), ino: readIno(at + size - inoSize), type });
    at += size;
  }
  return { parent, entries };
}

const FREE_TAG = 0xffff;

/** Size of a data entry: inode number, name length, name, file type, tag, rounded to 8 bytes. */
const entrySize = (nameLength: number, hasFileType: boolean) => (8 + 1 + nameLength + (hasFileType ? 1 : 0) + 2 + 7) & ~7;

/** The entry that starts at `offset` of a directory data block, or null when that space is free. */
export function dataEntryAt(block: Uint8Array, offset: number, end: number, hasFileType: boolean, where: string): { record: DirRecord | null; size: number } {
  const view = new BigEndian(block);
  const fail = (why: string): never => {
    throw new InspectError("corrupt", `The XFS directory ${where} is corrupt: ${why} at offset ${offset}.`);
  };
  if (offset % 8 !== 0 || offset + 8 > end) fail("an entry out of bounds");
  if (view.u16(offset) === FREE_TAG) {
    const size = view.u16(offset + 2);
    if (size < 8 || size % 8 !== 0 || offset + size > end) fail(`free space of ${size} bytes`);
    return { record: null, size };
  }
  const nameLength = view.u8(offset + 8);
  const size = entrySize(nameLength, hasFileType);
  if (nameLength === 0 || offset + size > end) fail("an entry out of bounds");
  if (view.u16(offset + size - 2) !== offset) fail("an entry whose tag does not match its place");
  const name = view.slice(offset + 9, nameLength);
  checkName(name, where);
  const ino = view.safeU64(offset, "inode number");
  const type = hasFileType ? typeFromFtype(view.u8(offset + 9 + nameLength)) : undefined;
  return { record: { name: Uint8Array.from(name), ino, type }, size };
}

/** Every entry in the data region [start, end) of a directory data or block-format block. */
export function dataEntries(block: Uint8Array, start: number, end: number, hasFileType: boolean, where: string): DirRecord[] {
  const records: DirRecord[] = [];
  for (let offset = start; offset < end;) {
    const { record, size } = dataEntryAt(block, offset, end, hasFileType, where);
    if (record) records.push(record);
    offset += size;
  }
  return records;
}

/** A sorted (hash, address) array: the leaf part of block, leaf and node directories. */
export interface HashIndex {
  view: BigEndian;
  /** Offset of the first 8-byte entry. */
  start: number;
  count: number;
}

/** Data addresses (in 8-byte units of the directory's data space) of the entries whose name hash is `hash`, from `index` on. */
export function addressesFor(index: HashIndex, hash: number): { addresses: number[]; runsToEnd: boolean } {
  const { view, start, count } = index;
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (view.u32(start + middle * 8) < hash) low = middle + 1;
    else high = middle;
  }
  const addresses: number[] = [];
  let i = low;
  for (; i < count && view.u32(start + i * 8) === hash; i++) {
    const address = view.u32(start + i * 8 + 4);
    if (address !== 0) addresses.push(address);
  }
  return { addresses, runsToEnd: i === count && count > 0 && view.u32(start + (count - 1) * 8) === hash };
}
