import { u16be, u32be } from "../../binary";
import { count, formatBytes } from "../../text";
import { renamed, shellQuote } from "../../commands";
import { InspectError } from "../../errors";
import { caution, damaged, unsafe, type Finding, type FormatAnalysis, type FormatParser, type InspectOptionsResolved, type WalkResult } from "../../findings";
import type { ByteSource } from "../../source";
import { readDirectory, TableRefs, visitTables } from "../table-batches";
import { ProblemTally, type ProblemKind } from "../tally";
import { compressedLocation, isCompressed, tableOffset, zeroFlag } from "./entries";
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
  const name = options.fileName;
  const standalone = `qemu-img convert -p -O qcow2 ${shellQuote(name)} ${shellQuote(renamed(name, "qcow2", "-standalone"))}`;
  const findings: Finding[] = [];

  if (h.backingFileOffset !== 0) {
    findings.push(
      unsafe(
        `The image depends on a backing file${h.backingFile ? ` ("${h.backingFile}")` : ""}: part of the disk would be read from another file on the host. Upload a standalone image.`,
        `${standalone}   # run where the backing file is; it merges the chain into one file`,
        `offset ${h.backingFileOffset} (backing file name)`,
      ),
    );
  }
  if (externalData(h) || h.dataFileName !== undefined) {
    findings.push(
      unsafe(
        `The image keeps its data in an external data file${h.dataFileName ? ` ("${h.dataFileName}")` : ""}: the disk would be read from another file on the host. Upload a standalone image.`,
        `${standalone}   # run where the data file is`,
        "header extension 0x44415441 / incompatible feature bit 2",
      ),
    );
  }
  const unknown = setBits(h.incompatible).filter((bit) => bit >= KNOWN_INCOMPAT_BITS);
  if (unknown.length > 0) {
    const named = unknown.map((bit) => {
      const feature = h.featureNames.get(`incompatible:${bit}`);
      return feature ? `bit ${bit} ("${feature}")` : `bit ${bit}`;
    });
    findings.push(
      unsafe(
        `The image uses incompatible QCOW2 features nobody has defined yet (${named.join(", ")}); qemu refuses to open it, and no one can say what it does.`,
        `${standalone}   # with the qemu that wrote it`,
        "header offset 72 (incompatible_features)",
      ),
    );
  }
  if (h.cryptMethod !== 0 || h.encryptionHeader) {
    const method = h.cryptMethod === 1 ? "AES" : h.cryptMethod === 2 ? "LUKS" : `method ${h.cryptMethod}`;
    findings.push(
      unsafe(
        `The image is encrypted (${method}); Hangar cannot check what is inside, and the cloud could not boot it without the key.`,
        `qemu-img convert -p --object secret,id=sec0,file=passphrase.txt --image-opts driver=qcow2,encrypt.key-secret=sec0,file.filename=${shellQuote(name)} -O qcow2 ${shellQuote(renamed(name, "qcow2", "-decrypted"))}`,
      ),
    );
  }
  if (h.compressionType >= COMPRESSION_TYPES.length) {
    findings.push(unsafe(`The image uses compression type ${h.compressionType}, which qemu does not know.`, standalone));
  }
  if (h.size > options.maxVirtualSize) {
    findings.push(
      unsafe(`The virtual size (${formatBytes(h.size)}) is above the limit of ${formatBytes(options.maxVirtualSize)}.`, undefined, "header offset 24 (size)"),
    );
  }
  if (h.l1Size * 8 > MAX_L1_BYTES) {
    findings.push(
      unsafe(
        `The L1 table claims ${h.l1Size.toLocaleString("en-US")} entries (${formatBytes(h.l1Size * 8)}); qemu allows at most ${formatBytes(MAX_L1_BYTES)}.`,
        undefined,
        "header offset 36 (l1_size)",
      ),
    );
  }
  if (h.refcountTableClusters * h.clusterSize > MAX_REFTABLE_BYTES) {
    findings.push(
      unsafe(
        `The refcount table claims ${formatBytes(h.refcountTableClusters * h.clusterSize)}; qemu allows at most ${formatBytes(MAX_REFTABLE_BYTES)}.`,
        undefined,
        "header offset 56 (refcount_table_clusters)",
      ),
    );
  }
  if (h.nbSnapshots > MAX_SNAPSHOTS) {
    findings.push(
      unsafe(
        `The image claims ${h.nbSnapshots.toLocaleString("en-US")} snapshots; qemu allows at most ${MAX_SNAPSHOTS.toLocaleString("en-US")}.`,
        undefined,
        "header offset 60 (nb_snapshots)",
      ),
    );
  }

  const check = `qemu-img check -r all ${shellQuote(name)}`;
  if (hasBit(h.incompatible, INCOMPAT.corrupt)) {
    findings.push(
      damaged(
        "qemu marked this image corrupt (the corrupt bit is set): a consistency check found damaged metadata.",
        check,
        "header offset 72 (incompatible_features bit 1)",
      ),
    );
  }
  if (hasBit(h.incompatible, INCOMPAT.dirty)) {
    findings.push(caution("integrity", "The image was not closed cleanly (the dirty bit is set), so its reference counts may be out of date.", check));
  }
  const compressionBit = hasBit(h.incompatible, INCOMPAT.compression);
  if (h.compressionType < COMPRESSION_TYPES.length && compressionBit !== (h.compressionType !== 0)) {
    findings.push(
      damaged(
        compressionBit
          ? "The compression-type feature bit is set but the compression type is zlib; qemu refuses such an image."
          : "The compression type is not zlib but its feature bit is not set; qemu refuses such an image.",
      ),
    );
  }
  if (extendedL2(h) && h.clusterBits < 14) {
    findings.push(damaged(`Extended L2 entries need clusters of at least 16 KiB; this image has ${formatBytes(h.clusterSize)} clusters, which qemu refuses.`));
  }
  if (h.refcountOrder > 6) findings.push(damaged(`The refcount width 2^${h.refcountOrder} bits is above the 64 bits qemu allows.`));
  if (hasBit(h.autoclear, AUTOCLEAR.dataFileRaw) && !externalData(h)) {
    findings.push(
      damaged(
        "The raw-external-data bit is set but the image has no external data file; qemu refuses such an image.",
        check,
        "header offset 88 (autoclear_features bit 1)",
      ),
    );
  }
  if (h.badExtensions.length > 0) findings.push(damaged(`qemu refuses the image's header extensions: ${h.badExtensions.join("; ")}.`, standalone));

  findings.push(...tableBoundsFindings(h, fileSize));
  return findings;
}

function tableBoundsFindings(h: Qcow2Header, fileSize: number): Finding[] {
  const findings: Finding[] = [];
  const truncatedFix = "Upload the complete file: it ends before metadata the header points to.";
  /** A table of `bytes` at `offset`: qemu's qcow2_validate_table() (aligned, below 2^63, whatever its size), then inside the file. */
  const place = (what: string, offset: number, bytes: number) => {
    if (offset % h.clusterSize !== 0 || offset >= 2 ** 63)
      findings.push(damaged(`The ${what} offset ${hex(offset)} is not a valid cluster offset; qemu refuses the image.`));
    else if (bytes === 0) return;
    else if (offset === 0) findings.push(damaged(`The ${what} would overlap the header (its offset is 0).`));
    else if (offset + bytes > fileSize) {
      findings.push(
        damaged(
          `The ${what} (${formatBytes(bytes)} at offset ${hex(offset)}) lies past the end of the ${formatBytes(fileSize)} file: it is truncated.`,
          truncatedFix,
        ),
      );
    }
  };

  if (h.l1Size < l1Needed(h)) {
    findings.push(damaged(`The L1 table has ${h.l1Size} entries, fewer than the ${l1Needed(h)} the ${formatBytes(h.size)} virtual size needs.`));
  }
  // Tables above qemu's limits are reported by headerFindings; their size says nothing about the file.
  place("L1 table", h.l1TableOffset, h.l1Size * 8 <= MAX_L1_BYTES ? h.l1Size * 8 : 0);
  const reftableBytes = h.refcountTableClusters * h.clusterSize;
  if (h.refcountTableClusters === 0) findings.push(damaged("The image has no refcount table; qemu refuses to open it."));
  place("refcount table", h.refcountTableOffset, reftableBytes <= MAX_REFTABLE_BYTES ? reftableBytes : 0);
  place("snapshot table", h.snapshotsOffset, h.nbSnapshots <= MAX_SNAPSHOTS ? h.nbSnapshots * SNAPSHOT_ENTRY_MIN : 0);
  return findings;
}

const L1_RESERVED: ProblemKind = { one: "An L1 entry has reserved bits set", many: "{n} L1 entries have reserved bits set" };
const L1_UNALIGNED: ProblemKind = {
  one: "An L1 entry points to an L2 table that is not cluster-aligned",
  many: "{n} L1 entries point to L2 tables that are not cluster-aligned",
};
const L2_PAST_END: ProblemKind = {
  one: "An L1 entry points to an L2 table past the end of the file",
  many: "{n} L1 entries point to L2 tables past the end of the file",
};
const L2_SHARED: ProblemKind = { one: "Two L1 entries share one L2 table", many: "{n} L1 entries reuse an L2 table another entry already uses" };
const DATA_PAST_END: ProblemKind = { one: "An L2 entry points past the end of the file", many: "{n} L2 entries point past the end of the file" };
const DATA_UNALIGNED: ProblemKind = {
  one: "An L2 entry points to a host cluster that is not cluster-aligned",
  many: "{n} L2 entries point to host clusters that are not cluster-aligned",
};
const COMPRESSED_PAST_END: ProblemKind = {
  one: "A compressed cluster lies past the end of the file",
  many: "{n} compressed clusters lie past the end of the file",
};
const SUBCLUSTER_INVALID: ProblemKind = {
  one: "An extended L2 entry has an impossible subcluster bitmap",
  many: "{n} extended L2 entries have impossible subcluster bitmaps",
};
const REFBLOCK_BAD: ProblemKind = {
  one: "A refcount table entry is misaligned or has reserved bits set",
  many: "{n} refcount table entries are misaligned or have reserved bits set",
};
const REFBLOCK_PAST_END: ProblemKind = { one: "A refcount block lies past the end of the file", many: "{n} refcount blocks lie past the end of the file" };
const SNAPSHOT_L1_BAD: ProblemKind = {
  one: "A snapshot's L1 table is misaligned, too large or past the end of the file",
  many: "{n} snapshot L1 tables are misaligned, too large or past the end of the file",
};

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
    if ((lo & 0x1ff) !== 0 || (hi & 0x7f000000) !== 0) tally.add(L1_RESERVED, `L1 entry ${i} is ${hex(hi * 2 ** 32 + lo)}`);
    const offset = tableOffset(hi, lo);
    if (offset === 0) return;
    const where = `L1 entry ${i} -> offset ${hex(offset)}`;
    if (offset % h.clusterSize !== 0) tally.add(L1_UNALIGNED, where);
    else if (offset + h.clusterSize > fileSize) tally.add(L2_PAST_END, where);
    else refs.add(i, offset);
  });
  const tables = refs.distinct((i, offset, owner) => tally.add(L2_SHARED, `L1 entry ${i} -> offset ${hex(offset)}, also used by L1 entry ${owner}`));

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
          if (bitmapAlloc !== 0 || bitmapZero !== 0) tally.add(SUBCLUSTER_INVALID, `${where} is compressed but has subcluster bits`);
          const { offset, length } = compressedLocation(h, hi, lo);
          if (offset >= fileSize || offset + length > sectorEnd) tally.add(COMPRESSED_PAST_END, `${where} -> ${length} bytes at ${hex(offset)}`);
          continue;
        }
        const host = tableOffset(hi, lo);
        if (ext && (bitmapAlloc & bitmapZero) !== 0) tally.add(SUBCLUSTER_INVALID, `${where} marks subclusters both allocated and zero`);
        if (host === 0) {
          if (ext && bitmapAlloc !== 0) tally.add(SUBCLUSTER_INVALID, `${where} has allocated subclusters but no host cluster`);
          continue;
        }
        if (host % h.clusterSize !== 0) {
          tally.add(DATA_UNALIGNED, `${where} -> ${hex(host)}`);
          continue;
        }
        // The bytes qemu would read: the guest-visible part of the cluster, or up to the last allocated subcluster.
        const visible = guest >= h.size ? h.clusterSize : Math.min(h.clusterSize, h.size - guest);
        const needed = ext ? (32 - Math.clz32(bitmapAlloc)) * subclusterSize : zeroFlag(lo) ? 0 : visible;
        if (host + Math.min(needed, visible) > fileSize) tally.add(DATA_PAST_END, `${where} -> ${hex(host)}`);
      }
    },
    (done) => onProgress((done / Math.max(1, tables.length)) * 0.9),
  );

  const refcountBlocks = await walkRefcountTable(src, h, tally);
  await walkSnapshots(src, h, tally);
  onProgress(1);
  return {
    findings: tally.findings(),
    walked: `${count(h.l1Size, "L1 entry", "L1 entries")}, ${count(tables.length, "L2 table")} (${count(tables.length * perTable, "entry", "entries")}) and ${count(refcountBlocks, "refcount block")}`,
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
    if ((lo & 0x1ff) !== 0 || offset % h.clusterSize !== 0) tally.add(REFBLOCK_BAD, where);
    else if (offset + h.clusterSize > src.size) tally.add(REFBLOCK_PAST_END, where);
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
      tally.add(SNAPSHOT_L1_BAD, `snapshot ${i}: ${l1Size} entries at ${hex(l1Offset)}`);
    }
    offset += Math.ceil((SNAPSHOT_ENTRY_MIN + extra + u16be(entry, 12) + u16be(entry, 14)) / 8) * 8;
  }
}
