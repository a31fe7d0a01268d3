import { u16le, u64le, utf16le } from "../../binary";
import type { RandomAccessReader } from "../../reader";
import type { DirEntry, FileStat, FileSystem, FileType } from "../file-system";
import { ATTR, isAttribute, type Attribute } from "./attributes";
import { parseBootSector } from "./boot-sector";
import { DirectoryIndex, NAMESPACE } from "./directory-index";
import { RECORD_FLAG } from "./mft-record";
import { NTFS } from "./ntfs-errors";
import { parseReparsePoint, REPARSE_TAG, type ReparsePoint } from "./reparse";
import { UpCase } from "./upcase";
import { NtfsVolume, type NtfsNode } from "./volume";

/** System files (records 0 to 15: $MFT ... $Extend) stay out of listings, as Windows and ntfs-3g hide them. */
const FIRST_USER_RECORD = 16;
const ROOT_RECORD = 5;
const VOLUME_RECORD = 3;
const UPCASE_RECORD = 10;
/** $VOLUME_INFORMATION flag: the volume was not cleanly unmounted (chkdsk runs at the next boot). */
const VOLUME_DIRTY = 0x0001;
/** Seconds from 1601-01-01 (FILETIME's epoch) to 1970-01-01. */
const FILETIME_EPOCH = 11_644_473_600;

export interface NtfsOptions {
  /** The drive letter the volume has in its Windows (absolute junctions and symlinks through another letter lead off the volume). */
  driveLetter?: string;
}

const unnamedData = (node: NtfsNode): Attribute | undefined => node.attributes.find((a) => isAttribute(a, ATTR.data));
const streamSize = (attribute: Attribute | undefined) => (!attribute ? 0 : attribute.resident ? attribute.value.length : attribute.dataSize);

/**
 * A read-only NTFS volume at the MFT-record level (refs are record numbers). Names compare
 * without case through the volume's $UpCase table, as Windows compares them; DOS (8.3) names
 * are found by lookup but not listed. Junctions and symbolic links whose targets lie on this
 * volume are symlinks whose readlink() is the target as a path in the volume ("/Users/Public",
 * or relative as stored); links to other volumes are "other". Compressed (LZNT1) and sparse
 * streams read as their contents; encrypted files and files kept behind other reparse points
 * (CompactOS's WOF, deduplication) fail to read as "unsupported".
 */
export class NtfsFileSystem implements FileSystem<number> {
  readonly kind = "ntfs" as const;
  private upcaseTable: Promise<UpCase> | null = null;

  private constructor(
    private readonly volume: NtfsVolume,
    readonly uuid: string,
    readonly label: string | null,
    /** The volume was not cleanly unmounted: Windows runs chkdsk on it at the next boot. */
    readonly dirty: boolean,
    private readonly driveLetter: string,
  ) {}

  static async open(reader: RandomAccessReader, options: NtfsOptions = {}): Promise<NtfsFileSystem> {
    const geometry = parseBootSector(await reader.read(0, 512));
    const volume = await NtfsVolume.open(reader, geometry);
    const info = await volume.node(VOLUME_RECORD);
    const name = info.attributes.find((a) => a.type === ATTR.volumeName && a.resident);
    const flags = info.attributes.find((a) => a.type === ATTR.volumeInformation && a.resident);
    const label = name?.resident ? utf16le(name.value, 0, name.value.length) : "";
    const dirty = flags?.resident ? (u16le(flags.value, 10) & VOLUME_DIRTY) !== 0 : false;
    const fs = new NtfsFileSystem(volume, geometry.serial, label || null, dirty, options.driveLetter ?? "C");
    if ((await fs.stat(ROOT_RECORD)).type !== "directory") throw NTFS.not_a_directory({ record: ROOT_RECORD });
    return fs;
  }

  root(): number {
    return ROOT_RECORD;
  }

  private upcase(): Promise<UpCase> {
    this.upcaseTable ??= (async () => {
      const node = await this.volume.node(UPCASE_RECORD);
      const data = unnamedData(node);
      if (!data) throw NTFS.data_missing({ what: "the $UpCase table" });
      return UpCase.fromBytes(await this.volume.streams.read(data, 0, 131072, "the $UpCase table"));
    })();
    const table = this.upcaseTable;
    table.catch(() => {
      if (this.upcaseTable === table) this.upcaseTable = null;
    });
    return table;
  }

  private reparse(node: NtfsNode): ReparsePoint | null {
    const attribute = node.attributes.find((a) => a.type === ATTR.reparsePoint);
    if (!attribute) return null;
    if (!attribute.resident) throw NTFS.reparse_invalid({ record: node.number, detail: "it is not resident" });
    return parseReparsePoint(attribute.value, node.number, this.driveLetter);
  }

  private isLink(point: ReparsePoint | null): point is ReparsePoint & { stored: string } {
    return point !== null && (point.tag === REPARSE_TAG.mountPoint || point.tag === REPARSE_TAG.symlink) && point.stored !== null;
  }

  async stat(ref: number): Promise<FileStat> {
    const node = await this.volume.node(ref);
    const point = this.reparse(node);
    let type: FileType = node.flags & RECORD_FLAG.directory ? "directory" : "file";
    let size = type === "file" ? streamSize(unnamedData(node)) : 0;
    if (this.isLink(point)) {
      type = point.target === null ? "other" : "symlink";
      size = point.target?.length ?? 0;
    }
    const info = node.attributes.find((a) => a.type === ATTR.standardInformation && a.resident);
    const filetime = info?.resident && info.value.length >= 16 ? u64le(info.value, 8) : 0;
    return {
      type,
      size,
      mode: type === "directory" ? 0o755 : type === "symlink" ? 0o777 : 0o644,
      uid: 0,
      gid: 0,
      mtime: filetime > 0 ? Math.floor(filetime / 10_000_000) - FILETIME_EPOCH : 0,
    };
  }

  private async index(dir: number): Promise<DirectoryIndex> {
    return new DirectoryIndex(this.volume, await this.volume.node(dir));
  }

  async readdir(dir: number): Promise<DirEntry<number>[]> {
    const entries = await (await this.index(dir)).list();
    const out: DirEntry<number>[] = [];
    for (const entry of entries) {
      if (entry.namespace === NAMESPACE.dos || entry.record < FIRST_USER_RECORD || entry.name === ".") continue;
      out.push({ name: entry.name, ref: entry.record, ...(entry.reparse ? {} : { type: entry.directory ? "directory" : "file" }) });
    }
    return out;
  }

  async lookup(dir: number, name: string): Promise<number | null> {
    if (name === ".") return dir;
    const entry = await (await this.index(dir)).find(name, await this.upcase());
    return entry?.record ?? null;
  }

  async readlink(ref: number): Promise<string> {
    const point = this.reparse(await this.volume.node(ref));
    if (!this.isLink(point) || point.target === null) throw NTFS.not_a_link({ record: ref });
    return point.target;
  }

  async read(ref: number, offset: number, length: number): Promise<Uint8Array> {
    const node = await this.volume.node(ref);
    const point = this.reparse(node);
    if (point && (point.tag === REPARSE_TAG.wof || point.tag === REPARSE_TAG.dedup)) {
      throw NTFS.reparse_data_elsewhere({ record: ref, tag: point.tag === REPARSE_TAG.wof ? "CompactOS (WOF)" : "deduplication" });
    }
    const data = unnamedData(node);
    if (!data) {
      if (node.flags & RECORD_FLAG.directory) throw NTFS.data_missing({ what: `directory record ${ref}` });
      return new Uint8Array(0);
    }
    return this.volume.streams.read(data, offset, length, `the data of MFT record ${ref}`);
  }
}
