import { u32le } from "../../binary";
import type { BlockMap, BlockRun } from "./block-map";
import { checkBlockRange, type ExtContext } from "./ext-context";
import { iBlock, type Inode } from "./inode";

const DIRECT = 12;

/**
 * The ext2/ext3 block map: twelve direct pointers in i_block, then a single, a double and a
 * triple indirect block. A zero pointer at any level is a hole covering everything below it.
 */
export class IndirectBlocks implements BlockMap {
  private readonly pointers: Uint8Array;
  private readonly perBlock: number;

  constructor(
    private readonly ctx: ExtContext,
    private readonly inode: Inode,
  ) {
    this.pointers = iBlock(inode);
    this.perBlock = ctx.sb.blockSize / 4;
  }

  async run(logical: number, max: number): Promise<BlockRun> {
    if (logical < DIRECT) return this.scan(this.pointers, logical, Math.min(DIRECT - logical, max));
    let offset = logical - DIRECT;
    let span = this.perBlock;
    let level = 1;
    while (offset >= span) {
      offset -= span;
      level += 1;
      span *= this.perBlock;
      if (level > 3) return { physical: null, length: Infinity };
    }
    let block = u32le(this.pointers, 4 * (DIRECT + level - 1));
    // `span` is what the block at hand maps; each of its entries maps span / perBlock blocks.
    for (;;) {
      if (block === 0) return { physical: null, length: span - offset };
      checkBlockRange(this.ctx, block, 1, `an indirect block of inode ${this.inode.ino}`);
      const entrySpan = span / this.perBlock;
      const index = Math.floor(offset / entrySpan);
      if (entrySpan === 1) {
        const count = Math.min(this.perBlock - index, Math.max(1, max));
        const words = await this.ctx.meta.read(block * this.ctx.sb.blockSize + 4 * index, 4 * count, `indirect block ${block}`);
        return this.scan(words, 0, count);
      }
      const word = await this.ctx.meta.read(block * this.ctx.sb.blockSize + 4 * index, 4, `indirect block ${block}`);
      block = u32le(word, 0);
      offset -= index * entrySpan;
      span = entrySpan;
    }
  }

  /** The run starting at pointer `first` of `words`: contiguous blocks, or zeros (a hole). */
  private scan(words: Uint8Array, first: number, count: number): BlockRun {
    const start = u32le(words, 4 * first);
    let length = 1;
    while (length < count && u32le(words, 4 * (first + length)) === (start === 0 ? 0 : start + length)) length += 1;
    if (start === 0) return { physical: null, length };
    checkBlockRange(this.ctx, start, length, `the block map of inode ${this.inode.ino}`);
    return { physical: start, length };
  }
}
