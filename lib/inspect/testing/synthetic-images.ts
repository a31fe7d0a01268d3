import { u32le, u64le } from "../binary";
import type { RandomAccessReader } from "../reader";
import { crc32c } from "../util/crc32c";
import { ascii, setU32be, setU32le, setU64be, setU64le } from "./byte-edits";

/**
 * Huge hostile images that exist only as a function of the offset: a few
 * bytes of header and a directory computed on demand, zeros elsewhere. They
 * let a test hand the inspector gigabytes of metadata without writing them.
 */
function synthetic(
  size: number,
  head: Uint8Array,
  directory: { offset: number; entries: number; entryBytes: number; write(out: Uint8Array, at: number, index: number): void },
): RandomAccessReader {
  const end = directory.offset + directory.entries * directory.entryBytes;
  return {
    size,
    read(offset, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      out.set(head.subarray(offset, offset + out.length));
      const from = Math.max(offset, directory.offset);
      const to = Math.min(offset + out.length, end);
      if (from < to) {
        // Whole entries around the range, then the part inside it.
        const first = Math.floor((from - directory.offset) / directory.entryBytes);
        const last = Math.ceil((to - directory.offset) / directory.entryBytes);
        const span = new Uint8Array((last - first) * directory.entryBytes);
        for (let i = first; i < last; i++) directory.write(span, (i - first) * directory.entryBytes, i);
        const spanStart = directory.offset + first * directory.entryBytes;
        out.set(span.subarray(from - spanStart, to - spanStart), from - offset);
      }
      return Promise.resolve(out);
    },
  };
}

/**
 * A monolithicSparse VMDK with one-entry grain tables, one sector each, and a
 * grain directory pointing to `tables` of them (in a scrambled order when
 * `scrambled`): qemu accepts up to 32 Mi directory entries.
 */
export function vmdkWithGrainTables(tables: number, scrambled = false): RandomAccessReader {
  const gdSector = 2;
  const firstTable = gdSector + Math.ceil((tables * 4) / 512);
  const head = new Uint8Array(1024);
  head.set(ascii("KDMV"));
  setU32le(head, 4, 1);
  setU32le(head, 8, 3);
  setU64le(head, 12, BigInt(tables)); // capacity: one grain of one sector per table
  setU64le(head, 20, 1n);
  setU64le(head, 28, 1n);
  setU64le(head, 36, 1n);
  setU32le(head, 44, 1);
  setU64le(head, 56, BigInt(gdSector));
  setU64le(head, 64, 1n);
  head.set(ascii("\n \r\n"), 73);
  head.set(ascii(`# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicSparse"\nRW ${tables} SPARSE "disk.vmdk"\n`), 512);
  return synthetic((firstTable + tables) * 512, head, {
    offset: gdSector * 512,
    entries: tables,
    entryBytes: 4,
    write: (out, at, i) => setU32le(out, at, firstTable + (scrambled ? (i * 7919) % tables : i)),
  });
}

/** A QCOW2 (512-byte clusters) whose `entries` L1 entries all point to one L2 table. */
export function qcow2WithSharedL2(entries: number): RandomAccessReader {
  const cluster = 512;
  const l1Offset = 4 * cluster;
  const l2Offset = l1Offset + Math.ceil((entries * 8) / cluster) * cluster;
  const head = new Uint8Array(4 * cluster);
  head.set([0x51, 0x46, 0x49, 0xfb]);
  setU32be(head, 4, 3);
  setU32be(head, 20, 9);
  setU64be(head, 24, BigInt(entries) * 64n * 512n);
  setU32be(head, 36, entries);
  setU64be(head, 40, BigInt(l1Offset));
  setU64be(head, 48, BigInt(2 * cluster));
  setU32be(head, 56, 1);
  setU32be(head, 96, 4);
  setU32be(head, 100, 104);
  return synthetic(l2Offset + cluster, head, {
    offset: l1Offset,
    entries,
    entryBytes: 8,
    write: (out, at) => setU64be(out, at, BigInt(l2Offset) | (1n << 63n)),
  });
}

/**
 * A VHDX (from a small real one) whose 64 MiB metadata region lists the
 * file-parameters item 2047 times, each 64 KiB somewhere else.
 */
export function vhdxWithRepeatedMetadata(seed: Uint8Array): RandomAccessReader {
  const head = seed.slice();
  const regionBytes = 64 * 1024 * 1024;
  let metadata = 0;
  for (const table of [192 * 1024, 256 * 1024]) {
    for (let i = 0; i < u32le(head, table + 8); i++) {
      const e = table + 16 + i * 32;
      if (u32le(head, e) !== 0x8b7ca206) continue;
      metadata = u64le(head, e + 16);
      setU32le(head, e + 24, regionBytes);
    }
    setU32le(head, table + 4, 0);
    setU32le(head, table + 4, crc32c(head.subarray(table, table + 64 * 1024)));
  }
  const item = head.slice(metadata + 32, metadata + 48);
  const count = 2047;
  head[metadata + 10] = count & 0xff;
  head[metadata + 11] = count >> 8;
  return synthetic(metadata + regionBytes, head, {
    offset: metadata + 32,
    entries: count,
    entryBytes: 32,
    write: (out, at, i) => {
      out.set(item, at);
      setU32le(out, at + 16, 64 * 1024 + i * 32 * 1024);
      setU32le(out, at + 20, 64 * 1024);
    },
  });
}
