import type { RandomAccessReader } from "../../reader";
import { corrupt } from "./ext-error";
import { PageCache } from "./page-cache";
import type { Superblock } from "./superblock";

/** What the pieces of the reader share: the geometry, the raw reader and the metadata cache. */
export interface ExtContext {
  sb: Superblock;
  /** The partition, for file contents (not cached). */
  reader: RandomAccessReader;
  /** The same partition through the bounded page cache, for metadata. */
  meta: PageCache;
}

/** Throws unless `count` blocks from `block` lie inside the file system (and past block 0). */
export function checkBlockRange(ctx: ExtContext, block: number, count: number, what: string): void {
  if (block < 1 || block + count > ctx.sb.blocksCount) {
    throw corrupt(`${what} points at block ${block}${count > 1 ? ` (+${count})` : ""}, outside the ${ctx.sb.blocksCount}-block file system.`);
  }
}

/** One whole block of metadata through the page cache. */
export const readMetaBlock = (ctx: ExtContext, block: number, what: string): Promise<Uint8Array> =>
  ctx.meta.read(block * ctx.sb.blockSize, ctx.sb.blockSize, what);
