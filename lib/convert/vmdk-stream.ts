import { randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { constants, deflateSync } from "node:zlib";
import type { GuestDisk } from "../inspect/disk/mapped-disk";
import { COMPRESSION_DEFLATE, FLAG_COMPRESSED, FLAG_MARKERS, FLAG_NEWLINE_TEST, MARKER_EOS, MARKER_FOOTER, SECTOR } from "../inspect/formats/vmdk/header";
import type { DiskDigest } from "./digest";
import { diskPieces, zeroBlocks } from "./disk-pieces";

/**
 * A streamOptimized VMDK (VMware's "Virtual Disk Format 1.1", as OVF exports and qemu-img write it): a
 * header whose grain directory is "at the end", the embedded descriptor, then every grain that holds
 * data, deflated, behind a grain marker, in guest order; then the grain tables, the grain directory and
 * the footer, each behind its metadata marker, and the end-of-stream marker. Written in one pass from the
 * front, as it can be sent; zero grains take no space; a grain table with no data is left out (its
 * directory entry 0 reads as zeros, in qemu as in lib/inspect).
 */
const GRAIN_SECTORS = 128;
const GRAIN = GRAIN_SECTORS * SECTOR;
const GTES_PER_GT = 512;
const DESCRIPTOR_SECTORS = 20;
/** Where the first grain goes, in sectors: after the header and the descriptor, on a grain boundary, as VMware's tools place it. */
const OVERHEAD = 128;
const MARKER_GT = 1;
const MARKER_GD = 2;
/** Fast deflate: an export's time is the user's wait, and level 1 keeps most of the saving of the default. */
const DEFLATE = { level: constants.Z_BEST_SPEED };
/** Bytes written at once. */
const FLUSH_BYTES = 4 * 1024 * 1024;

const sectorsOf = (bytes: number) => Math.ceil(bytes / SECTOR);

function header(capacity: number, gdOffset: bigint): Uint8Array {
  const b = Buffer.alloc(SECTOR);
  b.write("KDMV", 0, "latin1");
  b.writeUInt32LE(3, 4);
  b.writeUInt32LE(FLAG_NEWLINE_TEST | FLAG_COMPRESSED | FLAG_MARKERS, 8);
  b.writeBigUInt64LE(BigInt(capacity), 12);
  b.writeBigUInt64LE(BigInt(GRAIN_SECTORS), 20);
  b.writeBigUInt64LE(1n, 28);
  b.writeBigUInt64LE(BigInt(DESCRIPTOR_SECTORS), 36);
  b.writeUInt32LE(GTES_PER_GT, 44);
  b.writeBigUInt64LE(0n, 48);
  b.writeBigUInt64LE(gdOffset, 56);
  b.writeBigUInt64LE(BigInt(OVERHEAD), 64);
  b.write("\n \r\n", 73, "latin1");
  b.writeUInt16LE(COMPRESSION_DEFLATE, 77);
  return b;
}

function descriptor(capacity: number): Uint8Array {
  const cylinders = Math.min(65535, Math.max(1, Math.floor(capacity / (16 * 63))));
  const text = [
    "# Disk DescriptorFile",
    "version=1",
    `CID=${randomBytes(4).toString("hex")}`,
    "parentCID=ffffffff",
    'createType="streamOptimized"',
    "",
    "# Extent description",
    `RW ${capacity} SPARSE "disk.vmdk"`,
    "",
    "# The Disk Data Base",
    "#DDB",
    "",
    'ddb.virtualHWVersion = "4"',
    `ddb.geometry.cylinders = "${cylinders}"`,
    'ddb.geometry.heads = "16"',
    'ddb.geometry.sectors = "63"',
    'ddb.adapterType = "ide"',
    "",
  ].join("\n");
  const b = Buffer.alloc(DESCRIPTOR_SECTORS * SECTOR);
  b.write(text, 0, "latin1");
  return b;
}

/** A metadata marker: how many sectors of metadata follow, and their kind. */
function marker(sectors: number, type: number): Uint8Array {
  const b = Buffer.alloc(SECTOR);
  b.writeBigUInt64LE(BigInt(sectors), 0);
  b.writeUInt32LE(type, 12);
  return b;
}

function littleEndian(entries: Uint32Array): Uint8Array {
  const b = Buffer.alloc(entries.length * 4);
  entries.forEach((entry, index) => b.writeUInt32LE(entry, index * 4));
  return b;
}

/** Appends to the file from its start, in large writes, and knows where the next sector goes. */
class SectorWriter {
  private parts: Uint8Array[] = [];
  private pending = 0;
  private written = 0;

  constructor(private readonly file: FileHandle) {}

  /** The sector the next bytes start at. */
  get sector(): number {
    return (this.written + this.pending) / SECTOR;
  }

  /** Appends `bytes`, padded with zeros to a whole sector. */
  async put(...bytes: Uint8Array[]): Promise<void> {
    const length = bytes.reduce((sum, part) => sum + part.length, 0);
    this.parts.push(...bytes);
    const padding = sectorsOf(length) * SECTOR - length;
    if (padding > 0) this.parts.push(new Uint8Array(padding));
    this.pending += length + padding;
    if (this.pending >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<number> {
    if (this.parts.length > 0) await this.file.writev(this.parts, this.written);
    this.written += this.pending;
    this.parts = [];
    this.pending = 0;
    return this.written;
  }
}

/** Writes `disk` to `file` as a streamOptimized VMDK, feeding `digest` the same pieces; the file's size in bytes. */
export async function writeStreamVmdk(disk: GuestDisk, file: FileHandle, digest: DiskDigest | null, onProgress?: (fraction: number) => void): Promise<number> {
  if (disk.size % SECTOR !== 0) throw new Error(`a VMDK holds whole 512-byte sectors, and this disk is ${disk.size} bytes`);
  const capacity = disk.size / SECTOR;
  const tables = Math.ceil(Math.ceil(capacity / GRAIN_SECTORS) / GTES_PER_GT);
  const grainTable = new Uint32Array(tables * GTES_PER_GT);
  const out = new SectorWriter(file);
  await out.put(header(capacity, 0xffffffffffffffffn), descriptor(capacity), new Uint8Array((OVERHEAD - 1 - DESCRIPTOR_SECTORS) * SECTOR));
  for await (const piece of diskPieces(disk)) {
    // A grain is a digest block (both 64 KiB): the zeros are looked for once.
    const zero = piece.data ? zeroBlocks(piece.data, GRAIN) : undefined;
    digest?.update(piece, zero);
    if (piece.data && zero) {
      for (let i = 0, at = 0; at < piece.length; i++, at += GRAIN) {
        if (zero[i] === 1) continue;
        const grain = piece.data.subarray(at, Math.min(piece.length, at + GRAIN));
        const whole = grain.length === GRAIN ? grain : Buffer.concat([grain, new Uint8Array(GRAIN - grain.length)]);
        const index = (piece.offset + at) / GRAIN;
        const compressed = deflateSync(whole, DEFLATE);
        const grainMarker = Buffer.alloc(12);
        grainMarker.writeBigUInt64LE(BigInt(index * GRAIN_SECTORS), 0);
        grainMarker.writeUInt32LE(compressed.length, 8);
        grainTable[index] = out.sector;
        await out.put(grainMarker, compressed);
      }
    }
    onProgress?.((piece.offset + piece.length) / Math.max(1, disk.size));
  }
  const directory = new Uint32Array(tables);
  const tableSectors = sectorsOf(GTES_PER_GT * 4);
  for (let table = 0; table < tables; table++) {
    const entries = grainTable.subarray(table * GTES_PER_GT, (table + 1) * GTES_PER_GT);
    if (entries.every((entry) => entry === 0)) continue;
    await out.put(marker(tableSectors, MARKER_GT));
    directory[table] = out.sector;
    await out.put(littleEndian(entries));
  }
  await out.put(marker(sectorsOf(directory.byteLength), MARKER_GD));
  const gdOffset = out.sector;
  await out.put(littleEndian(directory));
  await out.put(marker(1, MARKER_FOOTER), header(capacity, BigInt(gdOffset)), marker(0, MARKER_EOS));
  return out.flush();
}
