import { u32be, u64be, u64le } from "../binary";
import { ascii, setU16le, setU32be, setU32le, setU64be, setU64le } from "./byte-edits";
import { below } from "./prng";

/** The seed image `name`; a mutator asked for one it was not given is a mistake in the test. */
function seedOf(seeds: ReadonlyMap<string, Uint8Array>, name: string): Uint8Array {
  const seed = seeds.get(name);
  if (!seed) throw new Error(`No seed image ${name}`);
  return seed;
}

/**
 * Structure-aware hostile images: each generator takes a small, valid image
 * (a seed) and changes what an attacker would change to make qemu read a host
 * file, open another format or another disk than Hangar inspected: header
 * fields, QCOW2 header extensions, VMDK descriptor lines, footers, the first
 * bytes qemu probes, partition starts. Deterministic for a given PRNG.
 */
export interface HostileCase {
  generator: string;
  /** The seed's file name: the case is written under it, so names in the image that mean "this file" still do. */
  seed: string;
  /** What was changed, to reproduce and to read in a failure. */
  recipe: string;
  bytes: Uint8Array;
}

/** The seed images, by file name (the "seeds" of the formats fixture family). */
export type Seeds = ReadonlyMap<string, Uint8Array>;

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[below(random, items.length)];
const chance = (random: Random, p: number) => random() < p;

/** Files that exist on every Linux host, so qemu succeeds in opening what it should never open. */
const HOST_FILES = ["/etc/passwd", "/etc/hostname", "../../../../etc/passwd", "/proc/self/environ"];
const PROTOCOL_NAMES = [
  'json:{"driver":"raw","file":{"driver":"file","filename":"/etc/passwd"}}',
  "nbd:localhost:10809",
  "http://169.254.169.254/latest/meta-data",
  "file:/etc/passwd",
];
const fileNames = (self: string) => [...HOST_FILES, ...PROTOCOL_NAMES, self, `./${self}`, "", " ", "/etc/passwd\0hidden", 'a"b', "disk.vmdk"];

// ---- QCOW2 ------------------------------------------------------------------------------------

const QCOW2_SEEDS = ["seed-v3.qcow2", "seed-v2.qcow2", "seed-extl2.qcow2", "seed-zstd.qcow2"];

const QCOW2_FIELDS: { name: string; at: number; width: 4 | 8 }[] = [
  { name: "version", at: 4, width: 4 },
  { name: "backing_file_offset", at: 8, width: 8 },
  { name: "backing_file_size", at: 16, width: 4 },
  { name: "cluster_bits", at: 20, width: 4 },
  { name: "size", at: 24, width: 8 },
  { name: "crypt_method", at: 32, width: 4 },
  { name: "l1_size", at: 36, width: 4 },
  { name: "l1_table_offset", at: 40, width: 8 },
  { name: "refcount_table_offset", at: 48, width: 8 },
  { name: "refcount_table_clusters", at: 56, width: 4 },
  { name: "nb_snapshots", at: 60, width: 4 },
  { name: "snapshots_offset", at: 64, width: 8 },
  { name: "incompatible_features", at: 72, width: 8 },
  { name: "compatible_features", at: 80, width: 8 },
  { name: "autoclear_features", at: 88, width: 8 },
  { name: "refcount_order", at: 96, width: 4 },
  { name: "header_length", at: 100, width: 4 },
];

function interestingValue(random: Random, b: Uint8Array, current: number): bigint {
  const cluster = 2 ** u32be(b, 20);
  const candidates = [
    0,
    1,
    2,
    3,
    7,
    8,
    72,
    104,
    105,
    112,
    512,
    cluster - 8,
    cluster - 4,
    cluster,
    cluster + 8,
    b.length,
    b.length - 512,
    current + 1,
    current - 1,
    current * 2,
    2 ** 31,
    2 ** 32 - 1,
  ];
  if (chance(random, 0.1)) return (1n << 63n) | BigInt(below(random, 1 << 30));
  if (chance(random, 0.1)) return 1n << BigInt(below(random, 64));
  const value = pick(random, candidates);
  return Number.isSafeInteger(value) && value > 0 ? BigInt(value) : 0n;
}

function qcow2Field(random: Random, seeds: Seeds): HostileCase {
  const seed = pick(random, QCOW2_SEEDS);
  const b = seedOf(seeds, seed).slice();
  const steps: string[] = [];
  for (let i = 0, n = 1 + below(random, 2); i < n; i++) {
    const field = pick(random, QCOW2_FIELDS);
    const current = field.width === 4 ? u32be(b, field.at) : u64be(b, field.at);
    let value = interestingValue(random, b, current);
    if (field.name.endsWith("_features") && chance(random, 0.7)) value = BigInt(current) | (1n << BigInt(below(random, 8)));
    if (field.width === 4) setU32be(b, field.at, Number(BigInt.asUintN(32, value)));
    else setU64be(b, field.at, value);
    steps.push(`${field.name}=${value}`);
  }
  return { generator: "qcow2-field", seed, recipe: `${seed}: ${steps.join(", ")}`, bytes: b };
}

const EXT = { end: 0, backingFormat: 0xe2792aca, featureTable: 0x6803f857, bitmaps: 0x23852875, crypto: 0x0537be77, dataFile: 0x44415441 } as const;

function extension(random: Random, self: string): { type: number; data: Uint8Array; label: string } {
  const kind = pick(random, ["dataFile", "dataFile", "backingFormat", "featureTable", "bitmaps", "crypto", "unknown", "end"] as const);
  if (kind === "dataFile") {
    const name = pick(random, fileNames(self));
    return { type: EXT.dataFile, data: ascii(name), label: `data-file "${name}"` };
  }
  if (kind === "backingFormat") {
    const format = pick(random, ["raw", "qcow2", "vmdk", "file", ""]);
    return { type: EXT.backingFormat, data: ascii(format), label: `backing format "${format}"` };
  }
  if (kind === "featureTable") {
    const data = new Uint8Array(48 * 2);
    data[0] = 0;
    data[1] = below(random, 64);
    data.set(ascii("external data file"), 2);
    data[48] = 2;
    data[49] = 1;
    data.set(ascii("raw external data"), 50);
    return { type: EXT.featureTable, data, label: "feature table" };
  }
  if (kind === "bitmaps") {
    const data = new Uint8Array(24);
    setU32be(data, 0, below(random, 4));
    setU64be(data, 8, BigInt(pick(random, [0, 65536, 2 ** 40])));
    setU64be(data, 16, BigInt(pick(random, [0, 512, 65536])));
    return { type: EXT.bitmaps, data, label: "bitmaps" };
  }
  if (kind === "crypto") {
    const data = new Uint8Array(16);
    setU64be(data, 0, 65536n);
    setU64be(data, 8, 4096n);
    return { type: EXT.crypto, data, label: "crypto header" };
  }
  if (kind === "end") return { type: EXT.end, data: new Uint8Array(0), label: "end" };
  const data = new Uint8Array(below(random, 40));
  return { type: (below(random, 2 ** 31) * 2 + 1) >>> 0, data, label: `unknown (${data.length} bytes)` };
}

/** Rewrites the header extension area of a version 3 image (everything after the header up to the first table). */
function qcow2Extensions(random: Random, seeds: Seeds): HostileCase {
  const seed = pick(random, ["seed-v3.qcow2", "seed-extl2.qcow2", "seed-v2.qcow2"]);
  const b = seedOf(seeds, seed).slice();
  const cluster = 2 ** u32be(b, 20);
  const v3 = u32be(b, 4) === 3;
  const headerLength = v3 ? pick(random, [104, 104, 112, 112, 108, 120, cluster - 4, cluster - 8]) : 72;
  if (v3) setU32be(b, 100, headerLength);
  const steps = [`header_length=${headerLength}`];
  b.fill(0, headerLength, cluster);
  let at = headerLength;
  for (let i = 0, n = below(random, 5); i < n && at + 8 <= cluster; i++) {
    const ext = extension(random, "image.qcow2");
    const lie = chance(random, 0.15) ? pick(random, [ext.data.length + 8, 0xffffffff, cluster, ext.data.length + 1]) : ext.data.length;
    setU32be(b, at, ext.type);
    setU32be(b, at + 4, lie);
    b.set(ext.data.subarray(0, Math.max(0, Math.min(ext.data.length, cluster - at - 8))), at + 8);
    steps.push(lie === ext.data.length ? ext.label : `${ext.label} claiming ${lie} bytes`);
    at += 8 + Math.ceil(ext.data.length / 8) * 8;
  }
  if (chance(random, 0.3)) {
    const bit = pick(random, [2, 2, 0, 3, 4, 5, 63]);
    b[79 - Math.floor(bit / 8)] |= 1 << (bit % 8);
    steps.push(`incompatible bit ${bit}`);
  }
  if (chance(random, 0.2)) {
    const name = pick(random, HOST_FILES);
    const offset = Math.min(at, cluster - name.length);
    b.set(ascii(name), offset);
    setU64be(b, 8, BigInt(chance(random, 0.8) ? offset : pick(random, [cluster, b.length, 2 ** 40])));
    setU32be(b, 16, pick(random, [name.length, 0, 1023, 1024]));
    steps.push(`backing file "${name}" at ${u64be(b, 8)} (${u32be(b, 16)} bytes)`);
  }
  return { generator: "qcow2-extensions", seed, recipe: `${seed}: ${steps.join(", ")}`, bytes: b };
}

// ---- VMDK -------------------------------------------------------------------------------------

const VMDK_SEEDS = ["seed-sparse.vmdk", "seed-stream.vmdk", "seed-stream-footer.vmdk"];

const createTypes = [
  "monolithicSparse",
  "streamOptimized",
  "monolithicFlat",
  "twoGbMaxExtentSparse",
  "twoGbMaxExtentFlat",
  "vmfs",
  "vmfsSparse",
  "seSparse",
  "MONOLITHICSPARSE",
  "custom",
  "",
];
const PARENT_KEYS = ["parentFileNameHint", "parentFileNameHint", "PARENTFILENAMEHINT", "# parentFileNameHint", "ddb.parentFileNameHint"];
const extentTypes = ["SPARSE", "FLAT", "ZERO", "VMFS", "VMFSSPARSE", "SESPARSE", "VMFSRDM", "VMFSRAW", "sparse", "Flat"];

function descriptorLine(random: Random, self: string, sectors: number): string {
  const name = pick(random, fileNames(self));
  const q = pick(random, ['"', '"', "", "'"]);
  const sp = pick(random, [" ", " ", "  ", "\t", " \t "]);
  switch (below(random, 10)) {
    case 0:
    case 1: {
      // In the order the picks were always made, so a seed gives the same lines.
      const access = pick(random, ["RW", "RW", "RDONLY", "NOACCESS", "rw"]);
      const size = pick(random, [sectors, sectors, 0, 1, sectors * 2]);
      const type = pick(random, extentTypes);
      const offset = chance(random, 0.4) ? `${sp}${pick(random, [0, 1, 2048])}` : "";
      return `${access}${sp}${size}${sp}${type}${sp}${q}${name}${q}${offset}`;
    }
    case 2:
      return `${pick(random, PARENT_KEYS)}${pick(random, ["=", " = ", "= "])}${q}${name}${q}`;
    case 3:
      return `parentCID=${pick(random, ["ffffffff", "12345678", "FFFFFFFF", "0"])}`;
    case 4:
      return `createType${pick(random, ["=", " = "])}${q}${pick(random, createTypes)}${q}`;
    case 5:
      return `CID=${pick(random, ["fffffffe", "1234abcd", "zz"])}`;
    case 6:
      return `ddb.${pick(random, ["adapterType", "geometry.cylinders", "virtualHWVersion", "longContentID", "uuid"])} = "${pick(random, ["ide", "16", name])}"`;
    case 7:
      return `version=${pick(random, [1, 2, 3, 4])}`;
    case 8:
      return pick(random, ["# Disk DescriptorFile", "#DDB", "", 'encoding="UTF-8"', "\0"]);
    default:
      return `${pick(random, ["RW", "RDONLY"])} ${sectors} SPARSE "${self}"`;
  }
}

function vmdkDescriptor(random: Random, seeds: Seeds): HostileCase {
  const seed = pick(random, VMDK_SEEDS);
  const b = seedOf(seeds, seed).slice();
  const self = seed;
  const sectors = u64le(b, 12);
  const lines = [
    "# Disk DescriptorFile",
    "version=1",
    "CID=1234abcd",
    "parentCID=ffffffff",
    `createType="${u64le(b, 56) === 2 ** 64 - 1 || b[77] === 1 ? "streamOptimized" : "monolithicSparse"}"`,
    "",
    "# Extent description",
    `RW ${sectors} SPARSE "${self}"`,
  ];
  const edits: string[] = [];
  for (let i = 0, n = 1 + below(random, 3); i < n; i++) {
    const line = descriptorLine(random, self, sectors);
    if (chance(random, 0.5) && lines.length > 1) lines[below(random, lines.length)] = line;
    else lines.splice(below(random, lines.length + 1), 0, line);
    edits.push(JSON.stringify(line));
  }
  const eol = pick(random, ["\n", "\n", "\r\n"]);
  const text = lines.join(eol) + eol;
  const offset = u64le(b, 28) * 512 || 512;
  const room = Math.max(0, Math.min(u64le(b, 36) * 512 || 10240, b.length - offset));
  b.fill(0, offset, offset + room);
  b.set(ascii(text).subarray(0, room), offset);
  return { generator: "vmdk-descriptor", seed, recipe: `${seed}: ${edits.join(", ")}`, bytes: b };
}

const VMDK_FIELDS: { name: string; at: number; width: 2 | 4 | 8 }[] = [
  { name: "version", at: 4, width: 4 },
  { name: "flags", at: 8, width: 4 },
  { name: "capacity", at: 12, width: 8 },
  { name: "grainSize", at: 20, width: 8 },
  { name: "descriptorOffset", at: 28, width: 8 },
  { name: "descriptorSize", at: 36, width: 8 },
  { name: "numGTEsPerGT", at: 44, width: 4 },
  { name: "rgdOffset", at: 48, width: 8 },
  { name: "gdOffset", at: 56, width: 8 },
  { name: "overhead", at: 64, width: 8 },
  { name: "compressAlgorithm", at: 77, width: 2 },
];

function vmdkField(random: Random, seeds: Seeds): HostileCase {
  const seed = pick(random, VMDK_SEEDS);
  const b = seedOf(seeds, seed).slice();
  const footer = u64le(b, 56) === 2 ** 64 - 1 ? b.length - 1024 : -1;
  const steps: string[] = [];
  for (let i = 0, n = 1 + below(random, 2); i < n; i++) {
    const field = pick(random, VMDK_FIELDS);
    const where = footer >= 0 && chance(random, 0.5) ? footer : 0;
    const value = pick(random, [0, 1, 2, 3, 20, 128, 512, 513, 0x200000, b.length / 512, 2 ** 32 - 1, u64le(b, where + field.at) + 1]);
    const big = chance(random, 0.05) ? 2n ** 64n - 1n : BigInt(Math.floor(value));
    if (field.width === 2) setU16le(b, where + field.at, Number(big & 0xffffn));
    else if (field.width === 4) setU32le(b, where + field.at, Number(big & 0xffffffffn));
    else setU64le(b, where + field.at, big);
    steps.push(`${where ? "footer " : ""}${field.name}=${big}`);
  }
  return { generator: "vmdk-field", seed, recipe: `${seed}: ${steps.join(", ")}`, bytes: b };
}

/** The end of a streamOptimized image: a footer qemu finds by rounding the size up to whole sectors. */
function vmdkTail(random: Random, seeds: Seeds): HostileCase {
  const seed = "seed-stream-footer.vmdk";
  const base = seedOf(seeds, seed);
  const footer = base.subarray(base.length - 1536);
  // The footer moved by `shift` bytes, so the file no longer ends on a sector boundary.
  const shift = pick(random, [1, 8, 100, 256, 300, 400, 511]);
  const b = new Uint8Array(base.length + shift);
  b.set(base.subarray(0, base.length - 1536));
  b.set(footer, base.length - 1536 + shift);
  const steps = [`footer moved by ${shift} bytes`];
  if (chance(random, 0.8)) {
    // A second footer where qemu looks, with another capacity, grain size or grain directory.
    const other = footer.slice();
    const field = pick(random, [12, 56, 20]);
    setU64le(other, 512 + field, BigInt(u64le(other, 512 + field)) * 2n);
    const at = Math.ceil(b.length / 512) * 512 - 1536;
    for (const [from, to] of [
      [0, 16],
      [512, 512 + 80],
      [1024, 1040],
    ]) {
      for (let i = from; i < to && at + i < b.length; i++) b[at + i] = other[i];
    }
    steps.push(`a second footer at ${at} with field ${field} doubled`);
  }
  return { generator: "vmdk-tail", seed, recipe: `${seed}: ${steps.join(", ")}`, bytes: b };
}

// ---- what qemu probes -------------------------------------------------------------------------

/** First bytes that one of qemu's probes (or nearly) recognises. */
function probeHead(random: Random): { label: string; bytes: Uint8Array } {
  const kind = below(random, 12);
  const head = new Uint8Array(2048);
  const put = (text: string, at = 0) => head.set(ascii(text).subarray(0, 2048 - at), at);
  if (kind <= 2) {
    const comment = pick(random, ["# Disk DescriptorFile\n", "#\n", "", "   \n", "  \r\n", "\t\n", "\n", "# x\r\n", " # x\n"]);
    const version = pick(random, ["version=1\n", "version=2\r\n", "version=3\n", "version=4\n", "version = 1\n", "Version=1\n", "version=1", "version=1\r"]);
    const rest = `createType="monolithicFlat"\nRW 1 FLAT "/etc/passwd" 0\n`;
    put(comment.repeat(below(random, 3)) + version + rest);
    return { label: `descriptor ${JSON.stringify(comment + version)}`, bytes: head };
  }
  if (kind === 3) {
    head.set([0x51, 0x46, 0x49, 0xfb]);
    const version = pick(random, [0, 1, 2, 3, 4, 0x100]);
    setU32be(head, 4, version);
    setU64be(head, 8, 104n);
    setU32be(head, 16, 11);
    setU32be(head, 20, 16);
    setU64be(head, 24, 1048576n);
    put("/etc/passwd", 104);
    return { label: `QFI\\xfb version ${version} with backing file`, bytes: head };
  }
  if (kind === 4) {
    put("QED\0");
    setU32le(head, 4, 65536);
    setU32le(head, 8, 4);
    setU64le(head, 16, 1n);
    setU32le(head, 56, 68);
    setU32le(head, 60, 11);
    put("/etc/passwd", 68);
    return { label: "QED with backing file", bytes: head };
  }
  if (kind === 5) {
    const magic = pick(random, ["KDMV", "COWD", "KDM", "kdmv"]);
    put(magic);
    return { label: `magic ${magic}`, bytes: head };
  }
  if (kind === 6) {
    setU32le(head, 0x40, 0xbeda107f);
    return { label: "VDI signature", bytes: head };
  }
  if (kind === 7) {
    const magic = pick(random, ["vhdxfile", "conectix", "WithoutFreeSpace", "WithouFreSpacExt"]);
    put(magic);
    setU32le(head, 16, 2);
    return { label: magic, bytes: head };
  }
  if (kind === 8) {
    head.set([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0, pick(random, [1, 2, 3])]);
    return { label: "LUKS", bytes: head };
  }
  if (kind === 9) {
    put("Bochs Virtual HD Image\0");
    put("Redolog\0", 32);
    put("Growing\0", 48);
    setU32le(head, 64, pick(random, [0x00020000, 0x00010000, 0x00030000]));
    return { label: "Bochs", bytes: head };
  }
  if (kind === 10) {
    const magic = "#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n";
    put(magic.slice(0, pick(random, [magic.length, magic.length - 1, 40])));
    return { label: "cloop", bytes: head };
  }
  // Text that looks like a descriptor to a human but not to qemu's probe.
  put(`${pick(random, ["\ufeff", "  ", "\t", "x"])}# Disk DescriptorFile\nversion=1\nRW 1 FLAT "/etc/passwd" 0\n`);
  return { label: "descriptor-like text", bytes: head };
}

function rawHead(random: Random, seeds: Seeds): HostileCase {
  const seed = pick(random, ["seed.raw", "seed-mbr.raw"]);
  const b = seedOf(seeds, seed).slice();
  const { label, bytes } = probeHead(random);
  const length = pick(random, [8, 64, 512, 2048]);
  b.set(bytes.subarray(0, length));
  const size = chance(random, 0.2) ? pick(random, [1024, 2048, 1536, 4096]) : b.length;
  return { generator: "raw-head", seed, recipe: `${seed}: ${label} (${length} bytes), size ${size}`, bytes: b.subarray(0, size) };
}

/** A partition that starts with an image format qemu probes. */
function rawPartition(random: Random, seeds: Seeds): HostileCase {
  const seed = pick(random, ["seed.raw", "seed-mbr.raw"]);
  const b = seedOf(seeds, seed).slice();
  const start = seed === "seed.raw" ? 40 * 512 : pick(random, [32, 340]) * 512;
  const { label, bytes } = probeHead(random);
  b.set(bytes, start);
  return { generator: "raw-partition", seed, recipe: `${seed}: ${label} at the partition at ${start}`, bytes: b };
}

export const GENERATORS: Record<string, (random: Random, seeds: Seeds) => HostileCase> = {
  "qcow2-field": qcow2Field,
  "qcow2-extensions": qcow2Extensions,
  "vmdk-descriptor": vmdkDescriptor,
  "vmdk-field": vmdkField,
  "vmdk-tail": vmdkTail,
  "raw-head": rawHead,
  "raw-partition": rawPartition,
};

/** The seeds the generators start from. */
export const SEED_NAMES = [...new Set([...QCOW2_SEEDS, ...VMDK_SEEDS, "seed.raw", "seed-mbr.raw"])];
