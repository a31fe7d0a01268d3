import { InspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import type { DirEntry, FileStat, FileSystem } from "../file-system";

/** A file or directory: where its cluster chain starts (0 for the fixed FAT12/16 root), and what its entry said. */
export interface FatRef {
  cluster: number;
  size: number;
  directory: boolean;
  mtime: number;
  fixedRoot?: boolean;
}

interface Geometry {
  bits: 12 | 16 | 32;
  bytesPerSector: number;
  clusterSize: number;
  fatOffset: number;
  rootDirOffset: number;
  rootDirSize: number;
  dataOffset: number;
  clusterCount: number;
  rootCluster: number;
}

const MAX_DIRECTORY = 16 * 1024 * 1024;
const FAT_BLOCK = 4096;
const le16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const le32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const corrupt = (message: string) => new InspectError("corrupt", `FAT file system: ${message}`);

/** DOS date and time (local time; taken as UTC) to seconds since the epoch. */
function dosTime(date: number, time: number): number {
  if (date === 0) return 0;
  const ms = Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

/** The BIOS parameter block, validated the way the Linux fat driver does before it mounts. */
function geometry(boot: Uint8Array, size: number): Geometry | null {
  if (boot.length < 512 || boot[510] !== 0x55 || boot[511] !== 0xaa) return null;
  const bytesPerSector = le16(boot, 11);
  const sectorsPerCluster = boot[13];
  const reserved = le16(boot, 14);
  const fats = boot[16];
  const rootEntries = le16(boot, 17);
  const totalSectors = le16(boot, 19) || le32(boot, 32);
  const fatSectors = le16(boot, 22) || le32(boot, 36);
  if (![512, 1024, 2048, 4096].includes(bytesPerSector)) return null;
  if (sectorsPerCluster === 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) !== 0) return null;
  if (reserved === 0 || fats === 0 || fats > 4 || fatSectors === 0 || totalSectors === 0) return null;
  if (boot[21] !== 0xf0 && boot[21] < 0xf8) return null;
  const rootDirSize = rootEntries * 32;
  const rootDirSectors = Math.ceil(rootDirSize / bytesPerSector);
  const dataSector = reserved + fats * fatSectors + rootDirSectors;
  if (dataSector >= totalSectors) return null;
  const clusterCount = Math.floor((totalSectors - dataSector) / sectorsPerCluster);
  const bits = clusterCount < 4085 ? 12 : clusterCount < 65525 ? 16 : 32;
  if (bits === 32 && rootEntries !== 0) return null;
  if (bits !== 32 && rootEntries === 0) return null;
  const fatBytes = fatSectors * bytesPerSector;
  if (fatBytes * 8 < (clusterCount + 2) * bits) return null;
  if (reserved * bytesPerSector > size) return null;
  return {
    bits,
    bytesPerSector,
    clusterSize: bytesPerSector * sectorsPerCluster,
    fatOffset: reserved * bytesPerSector,
    rootDirOffset: (reserved + fats * fatSectors) * bytesPerSector,
    rootDirSize,
    dataOffset: dataSector * bytesPerSector,
    clusterCount,
    rootCluster: bits === 32 ? le32(boot, 44) : 0,
  };
}

/**
 * FAT12/16/32 with long file names, read-only: the EFI system partition.
 * Names compare case-insensitively, as the vfat driver does.
 */
export class FatFileSystem implements FileSystem<FatRef> {
  readonly kind = "vfat" as const;
  private readonly fatCache = new Map<number, Uint8Array>();

  private constructor(
    private readonly reader: RandomAccessReader,
    private readonly geo: Geometry,
    readonly uuid: string | null,
    readonly label: string | null,
  ) {}

  static async open(reader: RandomAccessReader): Promise<FatFileSystem | null> {
    const boot = await reader.read(0, 512);
    const geo = geometry(boot, reader.size);
    if (!geo) return null;
    const at = geo.bits === 32 ? 0x43 : 0x27;
    const hasSerial = boot[at - 1] === 0x29;
    const serial = le32(boot, at);
    const uuid = hasSerial ? `${(serial >>> 16).toString(16).padStart(4, "0")}-${(serial & 0xffff).toString(16).padStart(4, "0")}` : null;
    const rawLabel = hasSerial ? new TextDecoder("latin1").decode(boot.subarray(at + 4, at + 15)).trim() : "";
    const label = rawLabel && rawLabel !== "NO NAME" ? rawLabel : null;
    return new FatFileSystem(reader, geo, uuid, label);
  }

  root(): FatRef {
    return this.geo.bits === 32
      ? { cluster: this.geo.rootCluster, size: 0, directory: true, mtime: 0 }
      : { cluster: 0, size: this.geo.rootDirSize, directory: true, mtime: 0, fixedRoot: true };
  }

  stat(ref: FatRef): Promise<FileStat> {
    return Promise.resolve({
      type: ref.directory ? "directory" : "file",
      size: ref.directory ? 0 : ref.size,
      mode: ref.directory ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      mtime: ref.mtime,
    });
  }

  private async fatEntry(cluster: number): Promise<number> {
    const { bits } = this.geo;
    const offset = bits === 12 ? cluster + (cluster >> 1) : cluster * (bits / 8);
    const bytes = new Uint8Array(4);
    for (let i = 0; i < (bits === 32 ? 4 : 2); i++) {
      const at = offset + i;
      const index = Math.floor(at / FAT_BLOCK);
      let data = this.fatCache.get(index);
      if (!data) {
        data = await this.reader.read(this.geo.fatOffset + index * FAT_BLOCK, FAT_BLOCK);
        this.fatCache.set(index, data);
      }
      if (at % FAT_BLOCK >= data.length) throw new InspectError("truncated", "FAT file system: the allocation table is cut off.");
      bytes[i] = data[at % FAT_BLOCK];
    }
    if (bits === 12) {
      const value = le16(bytes, 0);
      return cluster & 1 ? value >> 4 : value & 0xfff;
    }
    return bits === 16 ? le16(bytes, 0) : le32(bytes, 0) & 0x0fffffff;
  }

  /** The clusters of a chain, at most `limit` of them; a chain that loops or leaves the volume is corrupt. */
  private async chain(start: number, limit: number): Promise<number[]> {
    const { bits, clusterCount } = this.geo;
    const end = bits === 12 ? 0xff8 : bits === 16 ? 0xfff8 : 0x0ffffff8;
    const clusters: number[] = [];
    let cluster = start;
    while (clusters.length < limit) {
      if (cluster < 2 || cluster >= clusterCount + 2) throw corrupt(`cluster ${cluster} is outside the volume.`);
      clusters.push(cluster);
      if (clusters.length > clusterCount) throw corrupt("a cluster chain loops.");
      const next = await this.fatEntry(cluster);
      if (next >= end) break;
      cluster = next;
    }
    return clusters;
  }

  private async readChain(start: number, offset: number, length: number): Promise<Uint8Array> {
    const { clusterSize, dataOffset } = this.geo;
    const out = new Uint8Array(length);
    const clusters = await this.chain(start, Math.ceil((offset + length) / clusterSize));
    let done = 0;
    while (done < length) {
      const index = Math.floor((offset + done) / clusterSize);
      if (index >= clusters.length) break;
      const within = (offset + done) % clusterSize;
      const take = Math.min(clusterSize - within, length - done);
      const bytes = await this.reader.read(dataOffset + (clusters[index] - 2) * clusterSize + within, take);
      out.set(bytes, done);
      done += take;
      if (bytes.length < take) throw new InspectError("truncated", "FAT file system: a cluster lies past the end of the partition.");
    }
    return out.subarray(0, done);
  }

  private async directoryBytes(dir: FatRef): Promise<Uint8Array> {
    if (!dir.directory) throw corrupt("not a directory.");
    if (dir.fixedRoot) return this.reader.read(this.geo.rootDirOffset, this.geo.rootDirSize);
    const clusters = await this.chain(dir.cluster, Math.ceil(MAX_DIRECTORY / this.geo.clusterSize));
    return this.readChain(dir.cluster, 0, clusters.length * this.geo.clusterSize);
  }

  async readdir(dir: FatRef): Promise<DirEntry<FatRef>[]> {
    const bytes = await this.directoryBytes(dir);
    const entries: DirEntry<FatRef>[] = [];
    let longName: string[] = [];
    for (let at = 0; at + 32 <= bytes.length; at += 32) {
      const first = bytes[at];
      if (first === 0) break;
      const attr = bytes[at + 11];
      if (first === 0xe5) {
        longName = [];
        continue;
      }
      if (attr === 0x0f) {
        const seq = first & 0x3f;
        const units: number[] = [];
        for (const [from, count] of [
          [1, 5],
          [14, 6],
          [28, 2],
        ] as const)
          for (let i = 0; i < count; i++) units.push(le16(bytes, at + from + i * 2));
        const end = units.indexOf(0);
        const part = String.fromCharCode(...(end === -1 ? units : units.slice(0, end)).filter((u) => u !== 0xffff));
        if (first & 0x40) longName = [];
        longName[seq - 1] = part;
        continue;
      }
      if (attr & 0x08) {
        longName = [];
        continue;
      }
      const base = new TextDecoder("latin1").decode(bytes.subarray(at, at + 8)).trimEnd();
      const ext = new TextDecoder("latin1").decode(bytes.subarray(at + 8, at + 11)).trimEnd();
      const caseFlags = bytes[at + 12];
      const short = (caseFlags & 0x08 ? base.toLowerCase() : base) + (ext ? `.${caseFlags & 0x10 ? ext.toLowerCase() : ext}` : "");
      const name = longName.length > 0 ? longName.join("") : short.replace(/^\x05/, "\xe5");
      longName = [];
      if (name === "." || name === "..") continue;
      const directory = (attr & 0x10) !== 0;
      const cluster = (this.geo.bits === 32 ? le16(bytes, at + 20) << 16 : 0) | le16(bytes, at + 26);
      const ref: FatRef = { cluster, size: le32(bytes, at + 28), directory, mtime: dosTime(le16(bytes, at + 24), le16(bytes, at + 22)) };
      entries.push({ name, ref, type: directory ? "directory" : "file" });
    }
    return entries;
  }

  async lookup(dir: FatRef, name: string): Promise<FatRef | null> {
    const wanted = name.toUpperCase();
    return (await this.readdir(dir)).find((entry) => entry.name.toUpperCase() === wanted)?.ref ?? null;
  }

  readlink(): Promise<string> {
    return Promise.reject(corrupt("FAT has no symbolic links."));
  }

  async read(ref: FatRef, offset: number, length: number): Promise<Uint8Array> {
    if (ref.directory) throw corrupt("cannot read a directory as a file.");
    const end = Math.min(ref.size, offset + length);
    if (offset >= end || ref.cluster === 0) return new Uint8Array(0);
    return this.readChain(ref.cluster, offset, end - offset);
  }
}

export const openFatFileSystem = (reader: RandomAccessReader): Promise<FatFileSystem | null> => FatFileSystem.open(reader);
