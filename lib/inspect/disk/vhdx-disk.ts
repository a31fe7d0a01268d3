import { guidLe, matches, u16le, u32le, u64le } from "../binary";
import { InspectError } from "../errors";
import { BAT_REGION, FILE_PARAMETERS, LOGICAL_SECTOR_SIZE, METADATA_REGION, readHeader, readRegions, VIRTUAL_DISK_SIZE, vhdxLogPending } from "../formats/vhdx";
import type { RandomAccessReader } from "../reader";
import { ByteSource } from "../source";
import { LruCache } from "../../lru";
import type { GuestRun } from "./guest-runs";
import { loadOnce } from "./load-once";
import { mappedDisk, type DiskMapper, type GuestDisk } from "./mapped-disk";

const MiB = 1024 * 1024;
const TABLE_PIECE = 4096;
const TABLE_CACHE_PIECES = 2048;
/** [MS-VHDX] 2.5.1.1: payload block states. Present blocks are read; the others read as zeros, as qemu's do. */
const FULLY_PRESENT = 6;
const READS_AS_ZERO = new Set([0 /* not present */, 1 /* undefined */, 2 /* zero */, 3 /* unmapped */, 5 /* unmapped, draft 0.95 */]);
const MAX_METADATA_TABLE = 64 * 1024;

/**
 * The guest disk of a fixed or dynamic VHDX ([MS-VHDX]), read as qemu's vhdx driver reads it:
 * each payload block through its BAT entry (one sector-bitmap entry follows every `chunk ratio`
 * payload entries). Refused, as qemu refuses them when it opens the file read-only: a log that
 * was never replayed, differencing disks, partially present blocks.
 */
export async function vhdxDisk(reader: RandomAccessReader): Promise<GuestDisk> {
  const m = await VhdxMapper.open(reader);
  return mappedDisk(reader, m.size, () => Promise.resolve(m));
}

/** The metadata items the reader needs, by GUID (a hostile table is bounded by its 64 KiB). */
async function metadataItems(src: ByteSource, offset: number, length: number): Promise<Map<string, Uint8Array>> {
  const table = await src.exact(offset, Math.min(length, MAX_METADATA_TABLE), "VHDX metadata table");
  if (!matches(table, 0, "metadata")) throw new InspectError("corrupt", "The VHDX metadata table has no signature.");
  const wanted = new Set([FILE_PARAMETERS, VIRTUAL_DISK_SIZE, LOGICAL_SECTOR_SIZE]);
  const items = new Map<string, Uint8Array>();
  for (let i = 0, count = u16le(table, 10); i < count && 32 + i * 32 + 32 <= table.length; i++) {
    const e = 32 + i * 32;
    const guid = guidLe(table, e);
    if (!wanted.has(guid) || items.has(guid)) continue;
    const at = u32le(table, e + 16);
    if (at + 8 > length) throw new InspectError("corrupt", "A VHDX metadata item lies outside its metadata region.");
    items.set(guid, await src.exact(offset + at, 8, "VHDX metadata item"));
  }
  return items;
}

class VhdxMapper implements DiskMapper {
  private readonly table = new LruCache<number, Promise<Uint8Array>>(TABLE_CACHE_PIECES);

  private constructor(
    private readonly reader: RandomAccessReader,
    readonly size: number,
    private readonly blockSize: number,
    private readonly chunkRatio: number,
    private readonly bat: { offset: number; length: number },
  ) {}

  static async open(reader: RandomAccessReader): Promise<VhdxMapper> {
    const src = new ByteSource(reader);
    if (vhdxLogPending(await readHeader(src)))
      throw new InspectError(
        "unsupported",
        "The VHDX log holds writes that were never replayed (the disk was not closed cleanly): run qemu-img check -r all on it, or open it once in Hyper-V.",
      );
    const regions = await readRegions(src);
    const bat = regions.find((r) => r.guid === BAT_REGION);
    const metadata = regions.find((r) => r.guid === METADATA_REGION);
    if (!bat || !metadata) throw new InspectError("corrupt", "The VHDX lacks its block allocation table or its metadata region.");
    if (bat.offset + bat.length > reader.size) throw new InspectError("truncated", "The VHDX block allocation table lies past the end of the file.");
    const items = await metadataItems(src, metadata.offset, metadata.length);
    const params = items.get(FILE_PARAMETERS);
    const sizeItem = items.get(VIRTUAL_DISK_SIZE);
    const sectorItem = items.get(LOGICAL_SECTOR_SIZE);
    if (!params || !sizeItem || !sectorItem) throw new InspectError("corrupt", "The VHDX metadata lacks its file parameters, disk size or sector size.");
    if (u32le(params, 4) & 2) throw new InspectError("unsupported", "A differencing VHDX needs its parent disk.");
    const blockSize = u32le(params, 0);
    const sector = u32le(sectorItem, 0);
    const size = u64le(sizeItem, 0);
    if (blockSize < MiB || blockSize > 256 * MiB || (blockSize & (blockSize - 1)) !== 0)
      throw new InspectError("corrupt", `The VHDX block size ${blockSize} is not a power of two from 1 MiB to 256 MiB.`);
    if (sector !== 512 && sector !== 4096) throw new InspectError("corrupt", `The VHDX logical sector size ${sector} is neither 512 nor 4096.`);
    if (!Number.isSafeInteger(size) || size % sector !== 0) throw new InspectError("corrupt", `The VHDX disk size ${size} is not a whole number of sectors.`);
    const chunkRatio = (2 ** 23 * sector) / blockSize;
    const blocks = Math.ceil(size / blockSize);
    const entries = blocks + Math.floor((blocks - 1) / chunkRatio);
    if (entries * 8 > bat.length) throw new InspectError("corrupt", "The VHDX block allocation table is too small for the disk's size.");
    return new VhdxMapper(reader, size, blockSize, chunkRatio, bat);
  }

  async map(guest: number): Promise<GuestRun> {
    const block = Math.floor(guest / this.blockSize);
    const inBlock = guest - block * this.blockSize;
    const length = this.blockSize - inBlock;
    const byte = (block + Math.floor(block / this.chunkRatio)) * 8;
    const piece = Math.floor(byte / TABLE_PIECE) * TABLE_PIECE;
    const bytes = await loadOnce(this.table, piece, () => this.reader.read(this.bat.offset + piece, Math.min(TABLE_PIECE, this.bat.length - piece)));
    if (byte - piece + 8 > bytes.length) throw new InspectError("truncated", "The VHDX block allocation table ends early.");
    const state = bytes[byte - piece] & 7;
    if (READS_AS_ZERO.has(state)) return { kind: "zero", length };
    if (state !== FULLY_PRESENT) throw new InspectError("corrupt", `VHDX block ${block} is in state ${state}, which only a differencing disk may use.`);
    // The file offset is in MiB, in bits 20 to 63.
    const offset = Math.floor(u64le(bytes, byte - piece) / MiB) * MiB;
    const inFile = Math.min(this.blockSize, this.size - block * this.blockSize);
    if (offset < MiB || offset + inFile > this.reader.size) throw new InspectError("truncated", `VHDX block ${block} lies outside the file.`);
    return { kind: "host", offset: offset + inBlock, length };
  }
}
