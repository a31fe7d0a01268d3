import { matches, u16be, u16le, u32be, u32le } from "../binary";
import type { ImageFormat } from "../report";
import type { ByteSource } from "../source";

/** qemu probes the first 2 KiB (BLOCK_PROBE_BUF_SIZE); its text probes see no more. */
export const QEMU_PROBE_BYTES = 2048;
/** ISO 9660 / UDF volume descriptors start at 32 KiB, one per 2 KiB sector. */
const VOLUME_DESCRIPTORS = 32768;
const DESCRIPTOR_SECTOR = 2048;
/** How many volume descriptors we look at before giving up on finding UDF's after ISO 9660's. */
const MAX_DESCRIPTORS = 16;

export interface Detection {
  format: ImageFormat;
  /**
   * qemu recognises this format from the first bytes, so a cloud that lets
   * qemu probe (or a user who does) opens the file as this format, whatever
   * it was uploaded as.
   */
  qemuProbes: boolean;
}

export interface DetectionResult {
  /** Every format whose signature is present. */
  matches: Detection[];
  /** The first 4 KiB (or less), for the parsers. */
  head: Uint8Array;
}

const QCOW_MAGIC = [0x51, 0x46, 0x49, 0xfb];
const LUKS_MAGIC = [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe];
const CLOOP_MAGIC = "#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n";

/** qemu's vmdk_probe for descriptor text: comment and blank lines, then "version=1|2|3". */
export function looksLikeVmdkDescriptor(buf: Uint8Array): boolean {
  let p = 0;
  const end = buf.length;
  while (p < end) {
    if (buf[p] === 0x23 /* # */) {
      while (p < end && buf[p] !== 0x0a) p++;
      p++;
      continue;
    }
    if (buf[p] === 0x20) {
      while (p < end && buf[p] === 0x20) p++;
      if (p < end && buf[p] === 0x0d) p++;
      if (p === end || buf[p] !== 0x0a) return false;
      p++;
      continue;
    }
    for (const version of ["1", "2", "3"]) {
      if (matches(buf, p, `version=${version}\n`) || matches(buf, p, `version=${version}\r\n`)) return true;
    }
    return false;
  }
  return false;
}

/** A ustar header, or an old-style tar header whose checksum adds up. */
export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  if (matches(head, 257, "ustar")) return true;
  const stored = parseOctal(head.subarray(148, 156));
  if (stored === null || head[0] === 0) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i];
  return sum === stored && parseOctal(head.subarray(100, 108)) !== null && parseOctal(head.subarray(124, 136)) !== null;
}

function parseOctal(field: Uint8Array): number | null {
  let value = 0;
  let digits = 0;
  let i = 0;
  while (i < field.length && field[i] === 0x20) i++;
  for (; i < field.length; i++) {
    const c = field[i];
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return null;
    value = value * 8 + (c - 0x30);
    digits++;
  }
  return digits > 0 ? value : null;
}

interface Signature {
  format: ImageFormat;
  qemuProbes: boolean;
  test(head: Uint8Array): boolean;
}

/** Signatures in the first sectors, in the order qemu's probes would rank them. */
const HEAD_SIGNATURES: Signature[] = [
  { format: "qcow2", qemuProbes: true, test: (h) => h.length >= 8 && matches(h, 0, QCOW_MAGIC) && u32be(h, 4) >= 2 },
  { format: "qcow", qemuProbes: true, test: (h) => h.length >= 8 && matches(h, 0, QCOW_MAGIC) && u32be(h, 4) === 1 },
  { format: "qed", qemuProbes: true, test: (h) => h.length >= 64 && matches(h, 0, "QED\0") },
  { format: "vdi", qemuProbes: true, test: (h) => h.length >= 512 && u32le(h, 0x40) === 0xbeda107f },
  {
    format: "vmdk",
    qemuProbes: true,
    test: (h) => h.length >= 4 && (matches(h, 0, "KDMV") || matches(h, 0, "COWD") || looksLikeVmdkDescriptor(h.subarray(0, QEMU_PROBE_BYTES))),
  },
  { format: "vhdx", qemuProbes: true, test: (h) => matches(h, 0, "vhdxfile") },
  { format: "vhd", qemuProbes: true, test: (h) => matches(h, 0, "conectix") },
  { format: "luks", qemuProbes: true, test: (h) => h.length >= 8 && matches(h, 0, LUKS_MAGIC) },
  {
    format: "parallels",
    qemuProbes: true,
    test: (h) => h.length >= 64 && (matches(h, 0, "WithoutFreeSpace") || matches(h, 0, "WithouFreSpacExt")) && u32le(h, 16) === 2,
  },
  {
    format: "bochs",
    qemuProbes: true,
    test: (h) =>
      h.length >= 512 &&
      matches(h, 0, "Bochs Virtual HD Image\0") &&
      matches(h, 32, "Redolog\0") &&
      matches(h, 48, "Growing\0") &&
      (u32le(h, 64) === 0x00020000 || u32le(h, 64) === 0x00010000),
  },
  { format: "cloop", qemuProbes: true, test: (h) => matches(h, 0, CLOOP_MAGIC) },
  { format: "gzip", qemuProbes: false, test: (h) => matches(h, 0, [0x1f, 0x8b, 0x08]) },
  { format: "xz", qemuProbes: false, test: (h) => matches(h, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { format: "zstd", qemuProbes: false, test: (h) => matches(h, 0, [0x28, 0xb5, 0x2f, 0xfd]) },
  {
    format: "bzip2",
    qemuProbes: false,
    test: (h) => matches(h, 0, "BZh") && h[3] >= 0x31 && h[3] <= 0x39 && matches(h, 4, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]),
  },
  {
    format: "zip",
    qemuProbes: false,
    test: (h) => matches(h, 0, [0x50, 0x4b, 0x03, 0x04]) || matches(h, 0, [0x50, 0x4b, 0x05, 0x06]) || matches(h, 0, [0x50, 0x4b, 0x07, 0x08]),
  },
  { format: "tar", qemuProbes: false, test: looksLikeTar },
];

/**
 * The format qemu's probe would open these bytes as (the first 2 KiB of a
 * file or a block device; shorter input reads as zero-padded, as qemu reads
 * past the end), or null when qemu would call them raw.
 */
export function qemuProbe(bytes: Uint8Array): ImageFormat | null {
  const head = new Uint8Array(QEMU_PROBE_BYTES);
  head.set(bytes.subarray(0, QEMU_PROBE_BYTES));
  return HEAD_SIGNATURES.find((s) => s.qemuProbes && s.test(head))?.format ?? null;
}

/**
 * Every format whose signature the file carries, from the bytes only (never
 * the name). Reads the first 4 KiB, the volume descriptors at 32 KiB and the
 * last sector: a few KiB whatever the file's size.
 */
export async function detectFormats(src: ByteSource): Promise<DetectionResult> {
  const head = await src.read(0, 4096);
  const found: Detection[] = HEAD_SIGNATURES.filter((s) => s.test(head)).map(({ format, qemuProbes }) => ({ format, qemuProbes }));

  const optical = await detectOptical(src);
  for (const format of optical) found.push({ format, qemuProbes: false });

  if (src.size >= 1024) {
    const tail = await src.read(src.size - 512, 512);
    // A fixed VHD is raw data followed by a 512-byte footer; a dynamic one copies the footer to the front.
    // Found at the end, where a disk's last sector could hold anything, it must also carry a valid checksum.
    if (matches(tail, 0, "conectix") && vhdFooterChecksumOk(tail) && !found.some((d) => d.format === "vhd")) found.push({ format: "vhd", qemuProbes: false });
    // Apple's UDIF trailer: "koly", version 4, a 512-byte header.
    if (matches(tail, 0, "koly") && u32be(tail, 4) === 4 && u32be(tail, 8) === 512) found.push({ format: "dmg", qemuProbes: false });
  }
  return { matches: found, head };
}

/** The footer's checksum: the ones' complement of the sum of its bytes, the checksum field excluded. */
export function vhdFooterChecksumOk(footer: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) if (i < 64 || i > 67) sum += footer[i];
  return ~sum >>> 0 === u32be(footer, 64);
}

/**
 * ISO 9660 ("CD001") and UDF ("NSR02"/"NSR03") volume recognition sequences.
 * Every descriptor must have version 1, and a primary volume descriptor its
 * both-endian fields agreeing, so a disk that happens to hold "CD001" at
 * 32 KiB (a boot loader in the gap before the first partition) is not an ISO.
 */
async function detectOptical(src: ByteSource): Promise<ImageFormat[]> {
  const formats: ImageFormat[] = [];
  for (let i = 0; i < MAX_DESCRIPTORS; i++) {
    const d = await src.read(VOLUME_DESCRIPTORS + i * DESCRIPTOR_SECTOR, DESCRIPTOR_SECTOR);
    if (d.length < DESCRIPTOR_SECTOR || d[6] !== 1) break;
    const id = String.fromCharCode(...d.subarray(1, 6));
    if (id === "CD001") {
      if (d[0] === 1 && !primaryDescriptorConsistent(d)) break;
      if (!formats.includes("iso9660")) formats.push("iso9660");
    } else if (id === "NSR02" || id === "NSR03") {
      formats.push("udf");
      break;
    } else if (id !== "BEA01" && id !== "BOOT2" && id !== "CDW02" && id !== "TEA01") {
      break;
    }
  }
  return formats;
}

/** ISO 9660 stores the volume size and block size twice, little- then big-endian. */
const primaryDescriptorConsistent = (d: Uint8Array): boolean =>
  u32le(d, 80) === u32be(d, 84) && u16le(d, 128) === u16be(d, 130) && [512, 1024, 2048].includes(u16le(d, 128));
