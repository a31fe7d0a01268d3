import { InspectError } from "../../errors";
import { BLOCK_GROUP_DUP, BLOCK_GROUP_PROFILES, BLOCK_GROUP_RAID0, CHUNK_ITEM_KEY, DISK_KEY_SIZE, Fields, toNumber } from "./structures";

/** A chunk: a range of the logical address space and where its copies lie on the device. */
export interface Chunk {
  logical: number;
  length: number;
  /** Physical offset of each copy: one for SINGLE, two for DUP. */
  copies: number[];
}

const CHUNK_HEADER_SIZE = 48;
const STRIPE_SIZE = 32;
const MAX_CHUNKS = 1 << 16;

/** Parses struct btrfs_chunk, accepting only what a single device can hold: SINGLE and DUP. */
export function parseChunk(bytes: Uint8Array, logical: bigint, devid: bigint): Chunk {
  const f = new Fields(bytes, "chunk item");
  const length = f.num(0, "chunk length");
  const type = f.u64(24);
  const numStripes = f.u16(44);
  if (numStripes === 0 || length === 0) throw new InspectError("corrupt", `The btrfs chunk at logical ${logical} has no stripes or no length.`);
  const stripes = Array.from({ length: numStripes }, (_, i) => {
    const at = CHUNK_HEADER_SIZE + i * STRIPE_SIZE;
    return { devid: f.u64(at), offset: f.num(at + 8, "stripe offset") };
  });
  const raid = BLOCK_GROUP_PROFILES.filter(([bit]) => type & bit).map(([, name]) => name);
  const singleStripeRaid0 = type & BLOCK_GROUP_RAID0 && numStripes === 1 && raid.length === 1;
  if (raid.length > 0 && !singleStripeRaid0) {
    throw new InspectError(
      "unsupported",
      `The btrfs chunk at logical ${logical} uses the ${raid.join("+")} profile across devices; only single-device SINGLE and DUP are inspected.`,
    );
  }
  const expected = type & BLOCK_GROUP_DUP ? 2 : 1;
  if (numStripes !== expected)
    throw new InspectError("corrupt", `The btrfs chunk at logical ${logical} has ${numStripes} stripes for a profile that needs ${expected}.`);
  const foreign = stripes.find((stripe) => stripe.devid !== devid);
  if (foreign)
    throw new InspectError(
      "unsupported",
      `The btrfs chunk at logical ${logical} lives on device ${foreign.devid}, not on this one (${devid}); multi-device file systems are not inspected.`,
    );
  return { logical: toNumber(logical, "chunk address"), length, copies: stripes.map((stripe) => stripe.offset) };
}

/** The length of a chunk item with `numStripes` stripes. */
const chunkItemSize = (bytes: Uint8Array) => CHUNK_HEADER_SIZE + new Fields(bytes, "chunk item").u16(44) * STRIPE_SIZE;

/** The superblock's sys_chunk_array: (disk key, chunk item) pairs that map the chunk tree itself. */
export function parseSysChunkArray(array: Uint8Array, devid: bigint): Chunk[] {
  const f = new Fields(array, "system chunk array");
  const chunks: Chunk[] = [];
  let offset = 0;
  while (offset < array.length) {
    const key = f.key(offset);
    if (key.type !== CHUNK_ITEM_KEY) throw new InspectError("corrupt", `The btrfs system chunk array holds an item of type ${key.type}, not a chunk.`);
    offset += DISK_KEY_SIZE;
    const size = chunkItemSize(array.subarray(offset));
    chunks.push(parseChunk(f.slice(offset, size), key.offset, devid));
    offset += size;
  }
  if (chunks.length === 0) throw new InspectError("corrupt", "The btrfs system chunk array is empty.");
  return chunks;
}

/** Logical-to-physical translation for a single device. */
export class ChunkMap {
  private chunks: Chunk[] = [];

  add(chunk: Chunk): void {
    let at = 0;
    for (let high = this.chunks.length; at < high;) {
      const middle = (at + high) >> 1;
      if (this.chunks[middle].logical < chunk.logical) at = middle + 1;
      else high = middle;
    }
    const existing = this.chunks.at(at);
    if (existing && existing.logical === chunk.logical && existing.length === chunk.length) return; // the chunk tree repeats the bootstrap chunks
    const before = at > 0 ? this.chunks[at - 1] : undefined;
    if ((before && before.logical + before.length > chunk.logical) || (existing && chunk.logical + chunk.length > existing.logical)) {
      throw new InspectError("corrupt", `The btrfs chunk at logical ${chunk.logical} overlaps another chunk.`);
    }
    if (this.chunks.length >= MAX_CHUNKS) throw new InspectError("limit", `This btrfs has more than ${MAX_CHUNKS} chunks.`);
    this.chunks.splice(at, 0, chunk);
  }

  /** The chunk holding `logical`, and how many bytes of it remain from there. */
  resolve(logical: number): { copies: number[]; available: number } {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const chunk = this.chunks[middle];
      if (logical < chunk.logical) high = middle - 1;
      else if (logical >= chunk.logical + chunk.length) low = middle + 1;
      else {
        const within = logical - chunk.logical;
        return { copies: chunk.copies.map((physical) => physical + within), available: chunk.length - within };
      }
    }
    throw new InspectError("corrupt", `The btrfs logical address ${logical} lies in no chunk.`);
  }
}
