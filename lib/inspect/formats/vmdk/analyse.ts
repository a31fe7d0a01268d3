import { cString, u32le } from "../../binary";
import { count, formatBytes } from "../../text";
import { convertToQcow2 } from "../../commands";
import { caution, damaged, unsafe, type Finding, type FormatAnalysis, type FormatParser, type InspectOptionsResolved, type WalkResult } from "../../findings";
import type { ByteSource } from "../../source";
import { readDirectory, TableRefs, visitTables } from "../table-batches";
import { ProblemTally, type ProblemKind } from "../tally";
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

const convertFix = (options: InspectOptionsResolved) => `${convertToQcow2("vmdk", options.fileName)}   # run it next to the files the descriptor names`;

/** A text descriptor: the disk is in other files it names. */
async function analyseDescriptorFile(src: ByteSource, options: InspectOptionsResolved): Promise<FormatAnalysis> {
  const bytes = await src.read(0, MAX_DESCRIPTOR_TEXT);
  const descriptor = parseDescriptor(descriptorText(bytes));
  const createType = descriptor.fields.get("createType") ?? "unknown";
  const sectors = descriptor.extents.reduce((sum, e) => sum + e.sectors, 0);
  const names = descriptor.extents.filter((e) => e.fileName !== null).map((e) => `"${e.fileName}"`);
  const findings: Finding[] = [
    unsafe(
      names.length > 0
        ? `This is a VMDK descriptor (create type ${createType}) whose disk lives in other files: ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""}. Opening it would read those files on the host. Upload one self-contained image instead.`
        : `This is a VMDK descriptor (create type ${createType}) without the disk data; upload one self-contained image instead.`,
      convertFix(options),
      "VMDK descriptor (extent lines)",
    ),
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
    findings: [
      unsafe('This is an ESX "COWD" sparse extent (VMDK version 3), not a self-contained monolithicSparse or streamOptimized image.', convertFix(options)),
    ],
  };
}

async function analyseSparse(src: ByteSource, options: InspectOptionsResolved): Promise<FormatAnalysis> {
  const { header, footer, effective: h } = await readSparseHeaders(src);
  const findings: Finding[] = [];
  const fix = convertFix(options);

  // qemu reads the descriptor window at sector 1 for CID and parentFileNameHint, whatever the header says.
  const window = await src.read(SECTOR, QEMU_DESCRIPTOR_WINDOW);
  const qemuParent = qemuParentHint(window);

  let descriptor: VmdkDescriptor | null = null;
  if (h.descriptorSize > MAX_DESCRIPTOR_SECTORS) {
    findings.push(
      unsafe(
        `The embedded descriptor claims ${formatBytes(h.descriptorSize * SECTOR)}; real ones are a few KiB and qemu reads at most 1 MiB.`,
        fix,
        "header offset 36 (descriptorSize)",
      ),
    );
  } else if (h.descriptorOffset === 0 || h.descriptorSize === 0) {
    findings.push(damaged("The sparse extent has no embedded descriptor, so qemu cannot open it on its own.", fix));
  } else {
    if (h.descriptorOffset !== 1) {
      findings.push(
        unsafe(
          `The embedded descriptor is at sector ${h.descriptorOffset}, but qemu reads it at sector 1: tools would disagree on what this disk is.`,
          fix,
          "header offset 28 (descriptorOffset)",
        ),
      );
    }
    const bytes = await src.exact(h.descriptorOffset * SECTOR, Math.min(h.descriptorSize * SECTOR, MAX_DESCRIPTOR_TEXT + 1), "VMDK descriptor");
    const text = descriptorText(bytes);
    if (text.length > MAX_DESCRIPTOR_TEXT)
      findings.push(unsafe(`The embedded descriptor holds more than ${formatBytes(MAX_DESCRIPTOR_TEXT)} of text; real ones are under 1 KiB.`, fix));
    else descriptor = parseDescriptor(text);
  }
  const missingCid = (["CID", "parentCID"] as const).filter((key) => !qemuFindsCid(window, key));
  if (missingCid.length > 0)
    findings.push(damaged(`The descriptor at sector 1 has no readable ${missingCid.join(" or ")}, so qemu refuses to open the image.`, fix));

  const compressed = h.compressAlgorithm === COMPRESSION_DEFLATE;
  const qemuType = compressed ? "streamOptimized" : "monolithicSparse";
  const createType = descriptor?.fields.get("createType") ?? qemuType;
  const backingFile = qemuParent ?? descriptor?.fields.get("parentFileNameHint");

  if (header.capacity === 0 && header.descriptorOffset !== 0) {
    findings.push(
      unsafe("The sparse header has a capacity of 0, so qemu follows the embedded descriptor's extent lines instead, which name other files.", fix),
    );
  }
  if (descriptor) findings.push(...descriptorFindings(descriptor, createType, qemuType, h, fix));
  if (backingFile !== undefined) {
    findings.push(
      unsafe(
        `The image is a delta disk of a parent ("${backingFile}"): part of the disk would be read from another file on the host.`,
        `${fix.split("   #")[0]}   # run it where the parent disk is`,
        "descriptor: parentFileNameHint",
      ),
    );
  }
  findings.push(...sparseHeaderFindings(h, src.size, options));
  if (footer) findings.push(...footerFindings(header, footer, fix));

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

function descriptorFindings(d: VmdkDescriptor, createType: string, qemuType: string, h: SparseHeader, fix: string): Finding[] {
  const findings: Finding[] = [];
  if (!SELF_CONTAINED.includes(createType)) {
    findings.push(
      unsafe(
        `The VMDK create type is "${createType}"; Hangar accepts only the self-contained monolithicSparse and streamOptimized.`,
        fix,
        "descriptor: createType",
      ),
    );
  } else if (createType !== qemuType) {
    findings.push(
      unsafe(
        `The descriptor says ${createType} but the header says ${qemuType} (${h.compressAlgorithm === COMPRESSION_DEFLATE ? "compressed" : "not compressed"}): tools would disagree on how to read this disk.`,
        fix,
        "descriptor: createType",
      ),
    );
  }
  const parentCid = d.fields.get("parentCID");
  if (parentCid !== undefined && parentCid.toLowerCase() !== "ffffffff") {
    findings.push(
      unsafe(`The descriptor names a parent disk (parentCID=${parentCid}): this is a snapshot delta, not a whole disk.`, fix, "descriptor: parentCID"),
    );
  }
  if (d.extents.length !== 1) {
    findings.push(unsafe(`The descriptor lists ${d.extents.length} extents; a self-contained image has exactly one, itself.`, fix, "descriptor: extent lines"));
  }
  for (const extent of d.extents) {
    const name = extent.fileName;
    if (extent.type !== "SPARSE") {
      findings.push(
        unsafe(
          `The descriptor has a ${extent.type} extent${name !== null ? ` naming "${name}"` : ""}; a self-contained image has one SPARSE extent, itself.`,
          fix,
          "descriptor: extent lines",
        ),
      );
    } else if (name === null || /[/\\:]/.test(name) || name.startsWith(".")) {
      findings.push(
        unsafe(`The descriptor's extent names another file, "${name ?? ""}"; a self-contained image names only itself.`, fix, "descriptor: extent lines"),
      );
    } else if (extent.sectors !== h.capacity) {
      findings.push(
        unsafe(
          `The descriptor's extent has ${extent.sectors} sectors but the header says ${h.capacity}: tools would disagree on the disk's size.`,
          fix,
          "descriptor: extent lines",
        ),
      );
    }
  }
  return findings;
}

function sparseHeaderFindings(h: SparseHeader, fileSize: number, options: InspectOptionsResolved): Finding[] {
  const findings: Finding[] = [];
  const fix = convertFix(options);
  if (h.version > 3) findings.push(unsafe(`VMDK version ${h.version} is newer than qemu reads (1 to 3).`, fix));
  if (h.compressAlgorithm > COMPRESSION_DEFLATE)
    findings.push(unsafe(`The grains use compression algorithm ${h.compressAlgorithm}, which qemu does not know.`, fix));
  if (h.capacity * SECTOR > options.maxVirtualSize) {
    findings.push(
      unsafe(
        `The virtual size (${formatBytes(h.capacity * SECTOR)}) is above the limit of ${formatBytes(options.maxVirtualSize)}.`,
        undefined,
        "header offset 12 (capacity)",
      ),
    );
  }
  if (h.numGTEsPerGT === 0 || h.numGTEsPerGT > MAX_GTES_PER_GT) {
    findings.push(damaged(`The header claims ${h.numGTEsPerGT} entries per grain table; qemu accepts 1 to ${MAX_GTES_PER_GT}.`, fix));
    return findings;
  }
  if (h.grainSize === 0 || h.grainSize > MAX_GRAIN_SECTORS) {
    findings.push(damaged(`The grain size of ${h.grainSize} sectors is outside what qemu accepts (1 sector to 1 GiB).`, fix));
    return findings;
  }
  const entries = gdEntries(h);
  if (entries > MAX_GD_ENTRIES) {
    findings.push(
      unsafe(
        `The grain directory would need ${entries.toLocaleString("en-US")} entries; qemu refuses more than ${MAX_GD_ENTRIES.toLocaleString("en-US")}.`,
        fix,
      ),
    );
    return findings;
  }
  const truncated = "Upload the complete file: it ends before metadata the header points to.";
  if (h.gdOffset * SECTOR + entries * 4 > fileSize) {
    findings.push(
      damaged(
        `The grain directory (${entries} entries at sector ${h.gdOffset}) lies past the end of the ${formatBytes(fileSize)} file: it is truncated.`,
        truncated,
      ),
    );
  }
  if (h.flags & FLAG_REDUNDANT_GD && h.rgdOffset * SECTOR + entries * 4 > fileSize) {
    findings.push(damaged(`The redundant grain directory (at sector ${h.rgdOffset}) lies past the end of the file: it is truncated.`, truncated));
  }
  if (h.overhead * SECTOR > fileSize)
    findings.push(damaged(`The header reserves ${h.overhead} sectors of metadata but the file is shorter: it is truncated.`, truncated));
  if (h.flags & FLAG_NEWLINE_TEST && !h.newlineBytesIntact) {
    findings.push(
      damaged(
        "The header's newline-detection bytes are altered: the file was copied in text mode (FTP ASCII, a line-ending conversion), which corrupts it.",
        "Copy the original file again in binary mode.",
      ),
    );
  }
  if (h.compressAlgorithm === COMPRESSION_DEFLATE && (h.flags & (FLAG_COMPRESSED | FLAG_MARKERS)) !== (FLAG_COMPRESSED | FLAG_MARKERS)) {
    findings.push(
      caution("integrity", "The header says the grains are compressed but does not set the compressed-grain and marker flags a streamOptimized image carries."),
    );
  }
  if (h.uncleanShutdown) findings.push(caution("integrity", "The image was not closed cleanly (uncleanShutdown is set); its grain tables may be incomplete."));
  return findings;
}

/** The streamOptimized footer must repeat the header (all but the grain directory offset). */
function footerFindings(header: SparseHeader, footer: SparseHeader, fix: string): Finding[] {
  const fields = ["capacity", "grainSize", "numGTEsPerGT", "descriptorOffset", "descriptorSize", "compressAlgorithm"] as const;
  const differ = fields.filter((field) => header[field] !== footer[field]);
  if (differ.length === 0) return [];
  const what = differ.map((field) => `${field} ${header[field]} vs ${footer[field]}`).join(", ");
  return [unsafe(`The header and the footer disagree (${what}); qemu uses the footer, other tools the header.`, fix, "footer (last 1536 bytes)")];
}

const GT_PAST_END: ProblemKind = {
  one: "A grain directory entry points to a grain table past the end of the file",
  many: "{n} grain directory entries point to grain tables past the end of the file",
};
const GT_SHARED: ProblemKind = {
  one: "Two grain directory entries share one grain table",
  many: "{n} grain directory entries reuse a grain table another entry already uses",
};
const GRAIN_PAST_END: ProblemKind = {
  one: "A grain table entry points past the end of the file",
  many: "{n} grain table entries point past the end of the file",
};

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
    if (offset + tableBytes > fileSize) tally.add(GT_PAST_END, `grain directory entry ${i} -> sector ${sector}`);
    else refs.add(i, offset);
  });
  const tables = refs.distinct((i, offset, owner) =>
    tally.add(GT_SHARED, `grain directory entry ${i} -> sector ${offset / SECTOR}, also used by entry ${owner}`),
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
        if (offset + needed > fileSize) tally.add(GRAIN_PAST_END, `guest offset ${hex(guest)} -> sector ${sector}`);
      }
    },
    (done) => onProgress(done / Math.max(1, tables.length)),
  );
  onProgress(1);
  return {
    findings: tally.findings(),
    walked: `${count(entries, "grain directory entry", "grain directory entries")} and ${count(tables.length, "grain table")} (${count(tables.length * h.numGTEsPerGT, "entry", "entries")})`,
  };
}
