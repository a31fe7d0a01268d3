import { u16be, u32be } from "../../binary";
import { count, formatBytes } from "../../text";
import { renamed, shellQuote } from "../../commands";
import { InspectError } from "../../errors";
import { FORMAT } from "../../checks/format-codes";
import type { Finding, FormatAnalysis, FormatParser, InspectOptionsResolved, WalkResult } from "../../findings";
import type { ByteSource } from "../../source";
import { readDirectory, TableRefs, visitTables } from "../table-batches";
import { ProblemTally } from "../tally";
import { compressedLocation, isCompressed, tableOffset, zeroFlag } from "./entries";
import { QCOW2, QCOW2_WALK } from "./findings";
import {
  AUTOCLEAR,
  extendedL2,
  externalData,
  hasBit,
  INCOMPAT,
  KNOWN_INCOMPAT_BITS,
  l1Coverage,
  l1Needed,
  l2EntryBytes,
  l2Entries,
  MAX_L1_BYTES,
  MAX_REFTABLE_BYTES,
  MAX_SNAPSHOTS,
  readQcow2Header,
  setBits,
  type Qcow2Header,
} from "./header";

const COMPRESSION_TYPES = ["zlib", "zstd"];
/** Smallest snapshot table entry (qcow2.txt, "Snapshots"), and qemu's bound on its extra data. */
const SNAPSHOT_ENTRY_MIN = 40;
const SNAPSHOT_EXTRA_MAX = 1024;

const hex = (n: number) => `0x${n.toString(16)}`;

export const qcow2Parser: FormatParser = {
  async analyse(src, options): Promise<FormatAnalysis> {
    const h = await readQcow2Header(src);
    const findings = headerFindings(h, src.size, options);
    const encrypted = h.cryptMethod !== 0 || h.encryptionHeader;
    return {
      info: {
        // qemu counts whole sectors: the guest never sees a partial last sector.
        virtualSize: Number.isSafeInteger(h.size) ? Math.floor(h.size / 512) * 512 : null,
        clusterSize: h.clusterSize,
        compression: COMPRESSION_TYPES[h.compressionType] ?? `unknown (${h.compressionType})`,
        encrypted,
        subformat: h.version === 2 ? "v2 (compat 0.10)" : "v3 (compat 1.1)",
        extendedL2: extendedL2(h),
        ...(h.backingFileOffset !== 0 ? { backingFile: h.backingFile ?? "" } : {}),
        ...(externalData(h) || h.dataFileName !== undefined ? { dataFile: h.dataFileName ?? "" } : {}),
        dirty: hasBit(h.incompatible, INCOMPAT.dirty),
        corrupt: hasBit(h.incompatible, INCOMPAT.corrupt),
      },
      findings,
      walk: (onProgress) => walkQcow2(src, h, onProgress),
    };
  },
};

/** Everything the header alone tells: safety first, then what qemu would refuse to open. */
export function headerFindings(h: Qcow2Header, fileSize: number, options: InspectOptionsResolved): Finding[] {
  const file = shellQuote(options.fileName);
  const standalone = `qemu-img convert -p -O qcow2 ${file} ${shellQuote(renamed(options.fileName, "qcow2", "-standalone"))}`;
  const check = `qemu-img check -r all ${file}`;
  const named = (name: string | undefined) => (name ? `"${name}"` : "unnamed");
  const findings: Finding[] = [];

  if (h.backingFileOffset !== 0) {
    findings.push(QCOW2.backing_file({ name: named(h.backingFile), standalone }, { path: `offset ${h.backingFileOffset} (backing file name)` }));
  }
  if (externalData(h) || h.dataFileName !== undefined) {
    findings.push(QCOW2.data_file({ name: named(h.dataFileName), standalone }, { path: "header extension 0x44415441 / incompatible feature bit 2" }));
  }
  const unknown = setBits(h.incompatible).filter((bit) => bit >= KNOWN_INCOMPAT_BITS);
  if (unknown.length > 0) {
    const bits = unknown.map((bit) => {
      const feature = h.featureNames.get(`incompatible:${bit}`);
      return feature ? `bit ${bit} ("${feature}")` : `bit ${bit}`;
    });
    findings.push(QCOW2.unknown_incompatible_features({ bits: bits.join(", "), standalone }, { path: "header offset 72 (incompatible_features)" }));
  }
  if (h.cryptMethod !== 0 || h.encryptionHeader) {
    const method = h.cryptMethod === 1 ? "AES" : h.cryptMethod === 2 ? "LUKS" : `method ${h.cryptMethod}`;
    findings.push(QCOW2.encrypted({ method, file, out: shellQuote(renamed(options.fileName, "qcow2", "-decrypted")) }));
  }
  if (h.compressionType >= COMPRESSION_TYPES.length) findings.push(QCOW2.unknown_compression_type({ type: h.compressionType, standalone }));
  if (h.size > options.maxVirtualSize) {
    const values = { size: formatBytes(h.size), limit: formatBytes(options.maxVirtualSize) };
    findings.push(FORMAT.virtual_size_over_limit(values, { path: "header offset 24 (size)" }));
  }
  if (h.l1Size * 8 > MAX_L1_BYTES) {
    const values = { entries: h.l1Size.toLocaleString("en-US"), size: formatBytes(h.l1Size * 8), limit: formatBytes(MAX_L1_BYTES) };
    findings.push(QCOW2.l1_table_too_large(values, { path: "header offset 36 (l1_size)" }));
  }
  if (h.refcountTableClusters * h.clusterSize > MAX_REFTABLE_BYTES) {
    const values = { size: formatBytes(h.refcountTableClusters * h.clusterSize), limit: formatBytes(MAX_REFTABLE_BYTES) };
    findings.push(QCOW2.refcount_table_too_large(values, { path: "header offset 56 (refcount_table_clusters)" }));
  }
  if (h.nbSnapshots > MAX_SNAPSHOTS) {
    const values = { count: h.nbSnapshots.toLocaleString("en-US"), limit: MAX_SNAPSHOTS.toLocaleString("en-US") };
    findings.push(QCOW2.too_many_snapshots(values, { path: "header offset 60 (nb_snapshots)" }));
  }

  if (hasBit(h.incompatible, INCOMPAT.corrupt)) findings.push(QCOW2.corrupt_bit({ check }, { path: "header offset 72 (incompatible_features bit 1)" }));
  if (hasBit(h.incompatible, INCOMPAT.dirty)) findings.push(QCOW2.dirty({ check }));
  const compressionBit = hasBit(h.incompatible, INCOMPAT.compression);
  if (h.compressionType < COMPRESSION_TYPES.length && compressionBit !== (h.compressionType !== 0)) {
    findings.push(compressionBit ? QCOW2.compression_bit_without_type() : QCOW2.compression_type_without_bit());
  }
  if (extendedL2(h) && h.clusterBits < 14) findings.push(QCOW2.extended_l2_small_clusters({ size: formatBytes(h.clusterSize) }));
  if (h.refcountOrder > 6) findings.push(QCOW2.refcount_width_too_large({ order: h.refcountOrder }));
  if (hasBit(h.autoclear, AUTOCLEAR.dataFileRaw) && !externalData(h)) {
    findings.push(QCOW2.raw_data_bit_without_data_file({ check }, { path: "header offset 88 (autoclear_features bit 1)" }));
  }
  if (h.badExtensions.length > 0) findings.push(QCOW2.bad_header_extensions({ problems: h.badExtensions.join("; "), standalone }));

  findings.push(...tableBoundsFindings(h, fileSize));
  return findings;
}

function tableBoundsFindings(h: Qcow2Header, fileSize: number): Finding[] {
  const findings: Finding[] = [];
  /** A table of `bytes` at `offset`: qemu's qcow2_validate_table() (aligned, below 2^63, whatever its size), then inside the file. */
  const place = (table: string, offset: number, bytes: number) => {
    if (offset % h.clusterSize !== 0 || offset >= 2 ** 63) findings.push(QCOW2.table_offset_invalid({ table, offset: hex(offset) }));
    else if (bytes === 0) return;
    else if (offset === 0) findings.push(QCOW2.table_overlaps_header({ table }));
    else if (offset + bytes > fileSize) {
      findings.push(QCOW2.table_past_end({ table, size: formatBytes(bytes), offset: hex(offset), fileSize: formatBytes(fileSize) }));
    }
  };

  if (h.l1Size < l1Needed(h)) findings.push(QCOW2.l1_table_too_small({ entries: h.l1Size, needed: l1Needed(h), size: formatBytes(h.size) }));
  // Tables above qemu's limits are reported by headerFindings; their size says nothing about the file.
  place("L1 table", h.l1TableOffset, h.l1Size * 8 <= MAX_L1_BYTES ? h.l1Size * 8 : 0);
  const reftableBytes = h.refcountTableClusters * h.clusterSize;
  if (h.refcountTableClusters === 0) findings.push(QCOW2.no_refcount_table());
  place("refcount table", h.refcountTableOffset, reftableBytes <= MAX_REFTABLE_BYTES ? reftableBytes : 0);
  place("snapshot table", h.snapshotsOffset, h.nbSnapshots <= MAX_SNAPSHOTS ? h.nbSnapshots * SNAPSHOT_ENTRY_MIN : 0);
  return findings;
}

/**
 * The integrity walk: every L1 entry, every L2 table it points to (each read
 * once, nearby tables in one read), the refcount table and the snapshot
 * table. Guest data is never interpreted (only a gap of a few KiB between
 * nearby tables is read with them).
 */
async function walkQcow2(src: ByteSource, h: Qcow2Header, onProgress: (fraction: number) => void): Promise<WalkResult> {
  const tally = new ProblemTally();
  const fileSize = src.size;
  const refs = new TableRefs(h.l1Size, "L2 tables");
  await readDirectory(src, h.l1TableOffset, h.l1Size, 8, "L1 table", (i, l1, at) => {
    const hi = u32be(l1, at);
    const lo = u32be(l1, at + 4);
    if (hi === 0 && lo === 0) return;
    if ((lo & 0x1ff) !== 0 || (hi & 0x7f000000) !== 0) tally.add(QCOW2_WALK.l1_reserved_bits, `L1 entry ${i} is ${hex(hi * 2 ** 32 + lo)}`);
    const offset = tableOffset(hi, lo);
    if (offset === 0) return;
    const where = `L1 entry ${i} -> offset ${hex(offset)}`;
    if (offset % h.clusterSize !== 0) tally.add(QCOW2_WALK.l2_table_unaligned, where);
    else if (offset + h.clusterSize > fileSize) tally.add(QCOW2_WALK.l2_table_past_end, where);
    else refs.add(i, offset);
  });
  const tables = refs.distinct((i, offset, owner) =>
    tally.add(QCOW2_WALK.l2_table_shared, `L1 entry ${i} -> offset ${hex(offset)}, also used by L1 entry ${owner}`),
  );

  const entryBytes = l2EntryBytes(h);
  const perTable = l2Entries(h);
  const coverage = l1Coverage(h);
  const ext = extendedL2(h);
  const subclusterSize = h.clusterSize / 32;
  const sectorEnd = Math.ceil(fileSize / 512) * 512;
  await visitTables(
    src,
    tables,
    h.clusterSize,
    (index, bytes) => {
      for (let j = 0; j < perTable; j++) {
        const at = j * entryBytes;
        const hi = u32be(bytes, at);
        const lo = u32be(bytes, at + 4);
        const bitmapAlloc = ext ? u32be(bytes, at + 12) : 0;
        const bitmapZero = ext ? u32be(bytes, at + 8) : 0;
        if (hi === 0 && lo === 0 && bitmapAlloc === 0) continue;
        const guest = index * coverage + j * h.clusterSize;
        const where = `guest offset ${hex(guest)}`;
        if (isCompressed(hi)) {
          if (bitmapAlloc !== 0 || bitmapZero !== 0) tally.add(QCOW2_WALK.subcluster_bitmap_invalid, `${where} is compressed but has subcluster bits`);
          const { offset, length } = compressedLocation(h, hi, lo);
          if (offset >= fileSize || offset + length > sectorEnd) tally.add(QCOW2_WALK.compressed_past_end, `${where} -> ${length} bytes at ${hex(offset)}`);
          continue;
        }
        const host = tableOffset(hi, lo);
        if (ext && (bitmapAlloc & bitmapZero) !== 0) tally.add(QCOW2_WALK.subcluster_bitmap_invalid, `${where} marks subclusters both allocated and zero`);
        if (host === 0) {
          if (ext && bitmapAlloc !== 0) tally.add(QCOW2_WALK.subcluster_bitmap_invalid, `${where} has allocated subclusters but no host cluster`);
          continue;
        }
        if (host % h.clusterSize !== 0) {
          tally.add(QCOW2_WALK.data_unaligned, `${where} -> ${hex(host)}`);
          continue;
        }
        // The bytes qemu would read: the guest-visible part of the cluster, or up to the last allocated subcluster.
        const visible = guest >= h.size ? h.clusterSize : Math.min(h.clusterSize, h.size - guest);
        const needed = ext ? (32 - Math.clz32(bitmapAlloc)) * subclusterSize : zeroFlag(lo) ? 0 : visible;
        if (host + Math.min(needed, visible) > fileSize) tally.add(QCOW2_WALK.data_past_end, `${where} -> ${hex(host)}`);
      }
    },
    (done) => onProgress((done / Math.max(1, tables.length)) * 0.9),
  );

  const refcountBlocks = await walkRefcountTable(src, h, tally);
  await walkSnapshots(src, h, tally);
  onProgress(1);
  return {
    findings: tally.findings(),
    walked:
      `${count(h.l1Size, "L1 entry", "L1 entries")}, ${count(tables.length, "L2 table")} ` +
      `(${count(tables.length * perTable, "entry", "entries")}) and ${count(refcountBlocks, "refcount block")}`,
  };
}

/** Checks the refcount table's entries (not the blocks' contents); returns how many blocks it points to. */
async function walkRefcountTable(src: ByteSource, h: Qcow2Header, tally: ProblemTally): Promise<number> {
  let blocks = 0;
  await readDirectory(src, h.refcountTableOffset, (h.refcountTableClusters * h.clusterSize) / 8, 8, "refcount table", (i, table, at) => {
    const hi = u32be(table, at);
    const lo = u32be(table, at + 4);
    if (hi === 0 && lo === 0) return;
    blocks++;
    const offset = hi * 2 ** 32 + ((lo & 0xfffffe00) >>> 0);
    const where = `refcount table entry ${i} -> ${hex(offset)}`;
    if ((lo & 0x1ff) !== 0 || offset % h.clusterSize !== 0) tally.add(QCOW2_WALK.refcount_entry_invalid, where);
    else if (offset + h.clusterSize > src.size) tally.add(QCOW2_WALK.refcount_block_past_end, where);
  });
  return blocks;
}

/** Each snapshot's L1 table must be a sane table inside the file; its L2 tables belong to the snapshot, not the disk. */
async function walkSnapshots(src: ByteSource, h: Qcow2Header, tally: ProblemTally): Promise<void> {
  let offset = h.snapshotsOffset;
  for (let i = 0; i < h.nbSnapshots; i++) {
    const entry = await src.read(offset, SNAPSHOT_ENTRY_MIN);
    if (entry.length < SNAPSHOT_ENTRY_MIN) throw new InspectError("truncated", `The file ends inside snapshot table entry ${i}.`);
    const l1Offset = u32be(entry, 0) * 2 ** 32 + u32be(entry, 4);
    const l1Size = u32be(entry, 8);
    const extra = u32be(entry, 36);
    if (extra > SNAPSHOT_EXTRA_MAX) throw new InspectError("corrupt", `Snapshot ${i} claims ${extra} bytes of extra data (qemu allows ${SNAPSHOT_EXTRA_MAX}).`);
    if (l1Size * 8 > MAX_L1_BYTES || l1Offset % h.clusterSize !== 0 || (l1Size > 0 && l1Offset + l1Size * 8 > src.size)) {
      tally.add(QCOW2_WALK.snapshot_l1_invalid, `snapshot ${i}: ${l1Size} entries at ${hex(l1Offset)}`);
    }
    offset += Math.ceil((SNAPSHOT_ENTRY_MIN + extra + u16be(entry, 12) + u16be(entry, 14)) / 8) * 8;
  }
}
