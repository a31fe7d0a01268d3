import { matches, u32be, u64be } from "../binary";
import { InspectError } from "../errors";
import { vhdVirtualSize } from "../formats/vhd";
import type { RandomAccessReader } from "../reader";
import { LruCache } from "../../lru";
import type { GuestRun } from "./guest-runs";
import { loadOnce } from "./load-once";
import { mappedDisk, type DiskMapper, type GuestDisk } from "./mapped-disk";

const SECTOR = 512;
const UNALLOCATED = 0xffffffff;
/** The block allocation table is read in pieces of this size (1024 blocks, 2 GiB of a 2 MiB-block disk). */
const TABLE_PIECE = 4096;
const TABLE_CACHE_PIECES = 2048;
/** qemu's bound on the table (block/vpc.c: entries * 4 must fit an int). */
const MAX_TABLE_ENTRIES = Math.floor(0x7fffffff / 4);

/**
 * The guest disk of a fixed or dynamic VHD (Microsoft's "Virtual Hard Disk Image Format
 * Specification"), read as qemu's vpc driver reads it: a fixed disk is the file before its
 * footer; a dynamic disk maps each block through the block allocation table (BAT), data
 * after the block's sector bitmap, which qemu ignores for reads. Differencing disks are refused.
 */
export function vhdDisk(reader: RandomAccessReader): Promise<GuestDisk> {
  return VhdMapper.open(reader).then((m) => mappedDisk(reader, m.size, () => Promise.resolve(m)));
}

class VhdMapper implements DiskMapper {
  private readonly table = new LruCache<number, Promise<Uint8Array>>(TABLE_CACHE_PIECES);
  private readonly bitmapBytes: number;

  private constructor(
    private readonly reader: RandomAccessReader,
    readonly size: number,
    private readonly dynamic: { tableOffset: number; entries: number; blockSize: number } | null,
  ) {
    // qemu: a bitmap bit per sector, rounded up to whole sectors.
    this.bitmapBytes = dynamic ? Math.ceil(dynamic.blockSize / SECTOR / 8 / SECTOR) * SECTOR : 0;
  }

  static async open(reader: RandomAccessReader): Promise<VhdMapper> {
    // qemu reads the copy at offset 0 first (dynamic disks have one), else the footer at the end.
    let footer = await reader.read(0, SECTOR);
    if (!matches(footer, 0, "conectix")) footer = await reader.read(Math.max(0, reader.size - SECTOR), SECTOR);
    if (footer.length < SECTOR || !matches(footer, 0, "conectix")) throw new InspectError("corrupt", "The VHD footer is missing.");
    const size = vhdVirtualSize(footer);
    const type = u32be(footer, 60);
    if (type === 2) {
      if (size > reader.size - SECTOR)
        throw new InspectError("truncated", `The fixed VHD holds ${reader.size - SECTOR} bytes of data, less than its ${size}-byte disk.`);
      return new VhdMapper(reader, size, null);
    }
    if (type !== 3) throw new InspectError("unsupported", type === 4 ? "A differencing VHD needs its parent disk." : `VHD disk type ${type} is unknown.`);
    const header = await reader.read(u64be(footer, 16), 1024);
    if (header.length < 1024 || !matches(header, 0, "cxsparse")) throw new InspectError("corrupt", "The VHD dynamic-disk header is missing.");
    const tableOffset = u64be(header, 16);
    const entries = u32be(header, 28);
    const blockSize = u32be(header, 32);
    if (blockSize < SECTOR || (blockSize & (blockSize - 1)) !== 0) throw new InspectError("corrupt", `The VHD block size ${blockSize} is not a power of two.`);
    if (entries > MAX_TABLE_ENTRIES) throw new InspectError("limit", `The VHD block allocation table claims ${entries} entries.`);
    if (entries * blockSize < size) throw new InspectError("corrupt", "The VHD block allocation table is too small for the disk's size.");
    if (tableOffset + entries * 4 > reader.size) throw new InspectError("truncated", "The VHD block allocation table lies past the end of the file.");
    return new VhdMapper(reader, size, { tableOffset, entries, blockSize });
  }

  async map(guest: number): Promise<GuestRun> {
    const { dynamic } = this;
    if (!dynamic) return { kind: "host", offset: guest, length: this.size - guest };
    const block = Math.floor(guest / dynamic.blockSize);
    const inBlock = guest - block * dynamic.blockSize;
    const length = dynamic.blockSize - inBlock;
    if (block >= dynamic.entries) return { kind: "zero", length };
    const byte = block * 4;
    const piece = Math.floor(byte / TABLE_PIECE) * TABLE_PIECE;
    const bytes = await loadOnce(this.table, piece, () => this.reader.read(dynamic.tableOffset + piece, TABLE_PIECE));
    const sector = u32be(bytes, byte - piece);
    if (sector === UNALLOCATED) return { kind: "zero", length };
    const data = sector * SECTOR + this.bitmapBytes;
    // qemu refuses an image whose blocks run past the end of the file (block/vpc.c: "the image has been truncated").
    if (data + dynamic.blockSize > this.reader.size) throw new InspectError("truncated", `VHD block ${block} lies past the end of the file.`);
    return { kind: "host", offset: data + inBlock, length };
  }
}
