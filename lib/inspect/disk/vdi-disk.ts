import { isZero, u32le, u64le } from "../binary";
import { InspectError } from "../errors";
import type { RandomAccessReader } from "../reader";
import { LruCache } from "../../lru";
import type { GuestRun } from "./guest-runs";
import { loadOnce } from "./load-once";
import { mappedDisk, type DiskMapper, type GuestDisk } from "./mapped-disk";

const SECTOR = 512;
const MiB = 1024 * 1024;
const SIGNATURE = 0xbeda107f;
/** Block map entries that hold no block: never written, or discarded (both read as zeros). */
const FREE_FROM = 0xfffffffe;
const TABLE_PIECE = 4096;
const TABLE_CACHE_PIECES = 2048;
/** qemu's VDI_BLOCKS_IN_IMAGE_MAX. */
const MAX_BLOCKS = 0x3fffffff;

/**
 * The guest disk of a dynamic or static VirtualBox VDI 1.1, read as qemu's vdi driver reads it:
 * 1 MiB blocks mapped through the block map (offset_bmap), data at offset_data. Refused as qemu
 * refuses them: other versions, block sizes or sector sizes, extra block data, differencing images.
 */
export async function vdiDisk(reader: RandomAccessReader): Promise<GuestDisk> {
  const h = await reader.read(0, SECTOR);
  if (h.length < SECTOR || u32le(h, 0x40) !== SIGNATURE) throw new InspectError("corrupt", "The VDI header has no signature.");
  if (u32le(h, 0x44) !== 0x00010001) throw new InspectError("unsupported", `VDI version 0x${u32le(h, 0x44).toString(16)} is not 1.1.`);
  const type = u32le(h, 0x4c);
  if (type !== 1 && type !== 2) throw new InspectError("unsupported", `VDI image type ${type} is neither dynamic nor static.`);
  if (!isZero(h.subarray(0x1a8, 0x1c8))) throw new InspectError("unsupported", "A differencing VDI needs its parent disk.");
  const bmap = u32le(h, 0x154);
  const data = u32le(h, 0x158);
  const size = u64le(h, 0x170);
  const blockSize = u32le(h, 0x178);
  const blocks = u32le(h, 0x180);
  if (u32le(h, 0x168) !== SECTOR || blockSize !== MiB || u32le(h, 0x17c) !== 0)
    throw new InspectError("unsupported", "Only VDI images with 512-byte sectors, 1 MiB blocks and no extra block data are read (as qemu reads them).");
  if (bmap % SECTOR !== 0 || data % SECTOR !== 0) throw new InspectError("corrupt", "The VDI block map or data offset is not sector-aligned.");
  if (blocks > MAX_BLOCKS || !Number.isSafeInteger(size) || size > blocks * blockSize)
    throw new InspectError("corrupt", "The VDI block map is too small for the disk's size.");
  if (bmap + blocks * 4 > reader.size) throw new InspectError("truncated", "The VDI block map lies past the end of the file.");
  const table = new LruCache<number, Promise<Uint8Array>>(TABLE_CACHE_PIECES);
  const mapper: DiskMapper = {
    async map(guest): Promise<GuestRun> {
      const block = Math.floor(guest / blockSize);
      const length = blockSize - (guest - block * blockSize);
      const byte = block * 4;
      const piece = Math.floor(byte / TABLE_PIECE) * TABLE_PIECE;
      const entry = u32le(await loadOnce(table, piece, () => reader.read(bmap + piece, TABLE_PIECE)), byte - piece);
      if (entry >= FREE_FROM) return { kind: "zero", length };
      if (entry >= blocks) throw new InspectError("corrupt", `VDI block ${block} points to block ${entry}, outside the image.`);
      const host = data + entry * blockSize;
      if (host + blockSize > reader.size) throw new InspectError("truncated", `VDI block ${block} lies past the end of the file.`);
      return { kind: "host", offset: host + guest - block * blockSize, length };
    },
  };
  return mappedDisk(reader, size, () => Promise.resolve(mapper));
}
