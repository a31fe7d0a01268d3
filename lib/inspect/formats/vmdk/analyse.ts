import { cString, u32le } from "../../binary";
import { count, formatBytes } from "../../text";
import { convertToQcow2 } from "../../commands";
import { FORMAT } from "../../checks/format-codes";
import type { Finding, FormatAnalysis, FormatParser, InspectOptionsResolved, WalkResult } from "../../findings";
import type { ByteSource } from "../../source";
import { readDirectory, TableRefs, visitTables } from "../table-batches";
import { ProblemTally } from "../tally";
import { VMDK, VMDK_WALK } from "./findings";
import { descriptorText, parseDescriptor, QEMU_DESCRIPTOR_WINDOW, qemuFindsCid, qemuParentHint, type VmdkDescriptor } from "./descriptor";
import {
  COMPRESSION_DEFLATE,
  FLAG_COMPRESSED,
  FLAG_MARKERS,
  FLAG_NEWLINE_TEST,
  FLAG_REDUNDANT_GD,
  FLAG_ZERO_GRAIN,
  gdEntries,
  MAX_GD_ENTRIES,
  MAX_GRAIN_SECTORS,
  MAX_GTES_PER_GT,
  readSparseHeaders,
  SECTOR,
  type SparseHeader,
} from "./header";

/** The create types Hangar accepts: one self-contained file. */
export const SELF_CONTAINED = ["monolithicSparse", "streamOptimized"];
/** Descriptor files and embedded descriptors longer than this are not real VMDKs (qemu reads at most 1 MiB). */
const MAX_DESCRIPTOR_SECTORS = 2048;
/** We parse at most this much descriptor text; real ones are under 1 KiB. */
const MAX_DESCRIPTOR_TEXT = 64 * 1024;

const hex = (n: number) => `0x${n.toString(16)}`;

export const vmdkParser: FormatParser = {
  async analyse(src, options): Promise<FormatAnalysis> {
    const head = await src.exact(0, 4, "VMDK header");
    const magic = cString(head, 0, 4);
    if (magic === "KDMV") return analyseSparse(src, options);
    if (magic === "COWD") return analyseCowd(src, options);
    return analyseDescriptorFile(src, options);
  },
};

/** The values of the fixes' {convert}: qemu-img convert for the user's file. */
const convertValues = (options: InspectOptionsResolved) => ({ convert: convertToQcow2("vmdk", options.fileName) });

/** A text descriptor: the disk is in other files it names. */
async function analyseDescriptorFile(src: ByteSource, options: InspectOptionsResolved): Promise<FormatAnalysis> {
  const bytes = await src.read(0, MAX_DESCRIPTOR_TEXT);
  const descriptor = parseDescriptor(descriptorText(bytes));
  const createType = descriptor.fields.get("createType") ?? "unknown";
  const sectors = descriptor.extents.reduce((sum, e) => sum + e.sectors, 0);
  const names = descriptor.extents.filter((e) => e.fileName !== null).map((e) => `"${e.fileName}"`);
  const files = `${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""}`;
  const where = { path: "VMDK descriptor (extent lines)" };
  const findings: Finding[] = [
    names.length > 0
      ? VMDK.descriptor_file({ createType, files, ...convertValues(options) }, where)
      : VMDK.descriptor_without_data({ createType, ...convertValues(options) }, where),
  ];
  const parent = descriptor.fields.get("parentFileNameHint");
  return {
    info: {
      virtualSize: sectors > 0 ? sectors * SECTOR : null,
      subformat: createType,
      ...(parent !== undefined ? { backingFile: parent } : {}),
    },
    findings,
  };
}

/** VMware's old ESX sparse format ("COWD"); qemu reads it, Hangar does not accept it. */
async function analyseCowd(src: ByteSource, options: InspectOptionsResolved): Promise<FormatAnalysis> {
  const header = await src.exact(0, 32, "VMDK COWD header");
  return {
    info: { virtualSize: u32le(header, 12) * SECTOR, subformat: "vmfsSparse (COWD)", clusterSize: u32le(header, 16) * SECTOR },
    findings: [VMDK.cowd(convertValues(options))],
  };
}

async function analyseSparse(src: ByteSource, options: InspectOptionsResolved): Promise<FormatAnalysis> {
  const { header, footer, effective: h } = await readSparseHeaders(src);
  const findings: Finding[] = [];
  const convert = convertValues(options);

  // qemu reads the descriptor window at sector 1 for CID and parentFileNameHint, whatever the header says.
  const window = await src.read(SECTOR, QEMU_DESCRIPTOR_WINDOW);
  const qemuParent = qemuParentHint(window);

  let descriptor: VmdkDescriptor | null = null;
  if (h.descriptorSize > MAX_DESCRIPTOR_SECTORS) {
    findings.push(VMDK.descriptor_too_large({ size: formatBytes(h.descriptorSize * SECTOR), ...convert }, { path: "header offset 36 (descriptorSize)" }));
  } else if (h.descriptorOffset === 0 || h.descriptorSize === 0) {
    findings.push(VMDK.descriptor_missing(convert));
  } else {
    if (h.descriptorOffset !== 1) {
      findings.push(VMDK.descriptor_misplaced({ sector: h.descriptorOffset, ...convert }, { path: "header offset 28 (descriptorOffset)" }));
    }
    const bytes = await src.exact(h.descriptorOffset * SECTOR, Math.min(h.descriptorSize * SECTOR, MAX_DESCRIPTOR_TEXT + 1), "VMDK descriptor");
    const text = descriptorText(bytes);
    if (text.length > MAX_DESCRIPTOR_TEXT) findings.push(VMDK.descriptor_text_too_large({ size: formatBytes(MAX_DESCRIPTOR_TEXT), ...convert }));
    else descriptor = parseDescriptor(text);
  }
  const missingCid = (["CID", "parentCID"] as const).filter((key) => !qemuFindsCid(window, key));
  if (missingCid.length > 0) findings.push(VMDK.cid_missing({ fields: missingCid.join(" or "), ...convert }));

  const compressed = h.compressAlgorithm === COMPRESSION_DEFLATE;
  const qemuType = compressed ? "streamOptimized" : "monolithicSparse";
  const createType = descriptor?.fields.get("createType") ?? qemuType;
  const backingFile = qemuParent ?? descriptor?.fields.get("parentFileNameHint");

  if (header.capacity === 0 && header.descriptorOffset !== 0) findings.push(VMDK.capacity_zero(convert));
  if (descriptor) findings.push(...descriptorFindings(descriptor, createType, qemuType, h, convert));
  if (backingFile !== undefined) findings.push(VMDK.parent_disk({ name: backingFile, ...convert }, { path: "descriptor: parentFileNameHint" }));
  findings.push(...sparseHeaderFindings(h, src.size, options));
  if (footer) findings.push(...footerFindings(header, footer, convert));

  // With a capacity of 0, qemu takes the disk from the descriptor's extents (which the checks above reject).
  const followsDescriptor = header.capacity === 0 && header.descriptorOffset !== 0;
  const sectors = followsDescriptor && descriptor ? descriptor.extents.reduce((sum, e) => sum + e.sectors, 0) : h.capacity;
  const usable = h.numGTEsPerGT > 0 && h.numGTEsPerGT <= MAX_GTES_PER_GT && h.grainSize > 0 && h.grainSize <= MAX_GRAIN_SECTORS;
  return {
    info: {
      virtualSize: Number.isSafeInteger(sectors * SECTOR) ? sectors * SECTOR : null,
      clusterSize: h.grainSize * SECTOR,
      ...(compressed ? { compression: "deflate" } : {}),
      subformat: createType,
      ...(backingFile !== undefined ? { backingFile } : {}),
      dirty: h.uncleanShutdown,
    },
    findings,
    walk: usable ? (onProgress) => walkVmdk(src, h, onProgress) : undefined,
  };
}

function descriptorFindings(d: VmdkDescriptor, createType: string, qemuType: string, h: SparseHeader, convert: { convert: string }): Finding[] {
  const findings: Finding[] = [];
  const createTypeLine = { path: "descriptor: createType" };
  if (!SELF_CONTAINED.includes(createType)) {
    findings.push(VMDK.create_type_not_accepted({ createType, ...convert }, createTypeLine));
  } else if (createType !== qemuType) {
    const compression = h.compressAlgorithm === COMPRESSION_DEFLATE ? "compressed" : "not compressed";
    findings.push(VMDK.create_type_mismatch({ createType, qemuType, compression, ...convert }, createTypeLine));
  }
  const parentCid = d.fields.get("parentCID");
  if (parentCid !== undefined && parentCid.toLowerCase() !== "ffffffff") {
    findings.push(VMDK.parent_cid({ cid: parentCid, ...convert }, { path: "descriptor: parentCID" }));
  }
  const extentLines = { path: "descriptor: extent lines" };
  if (d.extents.length !== 1) findings.push(VMDK.extent_count({ count: d.extents.length, ...convert }, extentLines));
  for (const extent of d.extents) {
    const name = extent.fileName;
    if (extent.type !== "SPARSE") {
      findings.push(VMDK.extent_type({ type: extent.type, name: name !== null ? `"${name}"` : "no file", ...convert }, extentLines));
    } else if (name === null || /[/\\:]/.test(name) || name.startsWith(".")) {
      findings.push(VMDK.extent_outside({ name: name ?? "", ...convert }, extentLines));
    } else if (extent.sectors !== h.capacity) {
      findings.push(VMDK.extent_size_mismatch({ sectors: extent.sectors, capacity: h.capacity, ...convert }, extentLines));
    }
  }
  return findings;
}

function sparseHeaderFindings(h: SparseHeader, fileSize: number, options: InspectOptionsResolved): Finding[] {
  const findings: Finding[] = [];
  const convert = convertValues(options);
  if (h.version > 3) findings.push(VMDK.version_unsupported({ version: h.version, ...convert }));
  if (h.compressAlgorithm > COMPRESSION_DEFLATE) findings.push(VMDK.unknown_compression({ algorithm: h.compressAlgorithm, ...convert }));
  if (h.capacity * SECTOR > options.maxVirtualSize) {
    const values = { size: formatBytes(h.capacity * SECTOR), limit: formatBytes(options.maxVirtualSize) };
    findings.push(FORMAT.virtual_size_over_limit(values, { path: "header offset 12 (capacity)" }));
  }
  if (h.numGTEsPerGT === 0 || h.numGTEsPerGT > MAX_GTES_PER_GT) {
    findings.push(VMDK.grain_table_size_invalid({ entries: h.numGTEsPerGT, max: MAX_GTES_PER_GT, ...convert }));
    return findings;
  }
  if (h.grainSize === 0 || h.grainSize > MAX_GRAIN_SECTORS) {
    findings.push(VMDK.grain_size_invalid({ sectors: h.grainSize, ...convert }));
    return findings;
  }
  const entries = gdEntries(h);
  if (entries > MAX_GD_ENTRIES) {
    findings.push(VMDK.grain_directory_too_large({ entries: entries.toLocaleString("en-US"), max: MAX_GD_ENTRIES.toLocaleString("en-US"), ...convert }));
    return findings;
  }
  if (h.gdOffset * SECTOR + entries * 4 > fileSize) {
    findings.push(VMDK.grain_directory_past_end({ entries, sector: h.gdOffset, fileSize: formatBytes(fileSize) }));
  }
  if (h.flags & FLAG_REDUNDANT_GD && h.rgdOffset * SECTOR + entries * 4 > fileSize) {
    findings.push(VMDK.redundant_grain_directory_past_end({ sector: h.rgdOffset }));
  }
  if (h.overhead * SECTOR > fileSize) findings.push(VMDK.overhead_past_end({ sectors: h.overhead }));
  if (h.flags & FLAG_NEWLINE_TEST && !h.newlineBytesIntact) findings.push(VMDK.newline_bytes_altered());
  if (h.compressAlgorithm === COMPRESSION_DEFLATE && (h.flags & (FLAG_COMPRESSED | FLAG_MARKERS)) !== (FLAG_COMPRESSED | FLAG_MARKERS)) {
    findings.push(VMDK.stream_flags_missing());
  }
  if (h.uncleanShutdown) findings.push(VMDK.unclean_shutdown());
  return findings;
}

/** The streamOptimized footer must repeat the header (all but the grain directory offset). */
function footerFindings(header: SparseHeader, footer: SparseHeader, convert: { convert: string }): Finding[] {
  const fields = ["capacity", "grainSize", "numGTEsPerGT", "descriptorOffset", "descriptorSize", "compressAlgorithm"] as const;
  const differ = fields.filter((field) => header[field] !== footer[field]);
  if (differ.length === 0) return [];
  const what = differ.map((field) => `${field} ${header[field]} vs ${footer[field]}`).join(", ");
  return [VMDK.footer_mismatch({ fields: what, ...convert }, { path: "footer (last 1536 bytes)" })];
}

/** Every grain directory entry and grain table; grains are never interpreted (nor read, beyond a small gap between nearby tables). */
async function walkVmdk(src: ByteSource, h: SparseHeader, onProgress: (fraction: number) => void): Promise<WalkResult> {
  const tally = new ProblemTally();
  const fileSize = src.size;
  const entries = gdEntries(h);
  const tableBytes = h.numGTEsPerGT * 4;
  const grainBytes = h.grainSize * SECTOR;
  const virtualSize = h.capacity * SECTOR;
  const refs = new TableRefs(entries, "grain tables");
  await readDirectory(src, h.gdOffset * SECTOR, entries, 4, "VMDK grain directory", (i, gd, at) => {
    const sector = u32le(gd, at);
    if (sector === 0) return;
    const offset = sector * SECTOR;
    if (offset + tableBytes > fileSize) tally.add(VMDK_WALK.grain_table_past_end, `grain directory entry ${i} -> sector ${sector}`);
    else refs.add(i, offset);
  });
  const tables = refs.distinct((i, offset, owner) =>
    tally.add(VMDK_WALK.grain_table_shared, `grain directory entry ${i} -> sector ${offset / SECTOR}, also used by entry ${owner}`),
  );
  const compressed = h.compressAlgorithm === COMPRESSION_DEFLATE;
  const zeroGrains = (h.flags & FLAG_ZERO_GRAIN) !== 0;
  await visitTables(
    src,
    tables,
    tableBytes,
    (index, bytes) => {
      for (let j = 0; j < h.numGTEsPerGT; j++) {
        const sector = u32le(bytes, j * 4);
        if (sector === 0 || (sector === 1 && zeroGrains)) continue;
        const guest = (index * h.numGTEsPerGT + j) * grainBytes;
        const offset = sector * SECTOR;
        // A compressed grain is at least its marker; a plain one is the guest-visible part of the grain.
        const needed = compressed ? 1 : guest >= virtualSize ? grainBytes : Math.min(grainBytes, virtualSize - guest);
        if (offset + needed > fileSize) tally.add(VMDK_WALK.grain_past_end, `guest offset ${hex(guest)} -> sector ${sector}`);
      }
    },
    (done) => onProgress(done / Math.max(1, tables.length)),
  );
  onProgress(1);
  return {
    findings: tally.findings(),
    walked:
      `${count(entries, "grain directory entry", "grain directory entries")} and ${count(tables.length, "grain table")} ` +
      `(${count(tables.length * h.numGTEsPerGT, "entry", "entries")})`,
  };
}
