import { InspectError } from "../../errors";
import { readExact, type RandomAccessReader } from "../../reader";
import { BigEndian, equalBytes } from "./bytes";
import { verifyChecksum } from "./checksum";
import { LruCache } from "../../../lru";
import type { Superblock } from "./superblock";

/** Metadata kept decoded in memory; file data is never cached. */
const METADATA_CACHE_BYTES = 8 * 1024 * 1024;

/** Where a v5 self-describing header keeps its fields, relative to the block start. */
export interface HeaderLayout {
  crc: number;
  blkno: number;
  uuid: number;
  owner: number;
}

/**
 * The partition seen as XFS allocation groups: turns AG-encoded block and
 * inode numbers into byte offsets, and reads metadata through a bounded cache.
 */
export class XfsVolume {
  private readonly metadata = new LruCache<string, Uint8Array>(METADATA_CACHE_BYTES, (bytes) => bytes.length + 64);

  constructor(
    readonly reader: RandomAccessReader,
    readonly sb: Superblock,
  ) {}

  get isV5(): boolean {
    return this.sb.version === 5;
  }

  /** Byte offset of an AG-encoded file-system block run, checked against the AG and the volume. */
  blockOffset(fsblock: number, count = 1): number {
    const { agBlockLog, agBlocks, agCount, blockSize, dataBlocks } = this.sb;
    const agno = Math.floor(fsblock / 2 ** agBlockLog);
    const agbno = fsblock % 2 ** agBlockLog;
    const linear = agno * agBlocks + agbno;
    if (agno >= agCount || agbno + count > agBlocks || linear + count > dataBlocks) {
      throw new InspectError("corrupt", `XFS block ${fsblock} (+${count}) lies outside the file system.`);
    }
    return linear * blockSize;
  }

  /** True when `ino` names an inode slot inside the file system. */
  isValidIno(ino: number): boolean {
    const { agBlockLog, inodesPerBlockLog, agBlocks, agCount, dataBlocks } = this.sb;
    if (!Number.isSafeInteger(ino) || ino <= 0) return false;
    const agno = Math.floor(ino / 2 ** (agBlockLog + inodesPerBlockLog));
    const agbno = Math.floor((ino % 2 ** (agBlockLog + inodesPerBlockLog)) / 2 ** inodesPerBlockLog);
    return agno < agCount && agbno < agBlocks && agno * agBlocks + agbno < dataBlocks;
  }

  /** Byte offset of inode `ino`. */
  inodeOffset(ino: number): number {
    if (!this.isValidIno(ino)) throw new InspectError("corrupt", `XFS inode number ${ino} lies outside the file system.`);
    const { agBlockLog, inodesPerBlockLog, agBlocks, blockSize, inodeSize } = this.sb;
    const agno = Math.floor(ino / 2 ** (agBlockLog + inodesPerBlockLog));
    const agino = ino % 2 ** (agBlockLog + inodesPerBlockLog);
    const agbno = Math.floor(agino / 2 ** inodesPerBlockLog);
    const slot = agino % 2 ** inodesPerBlockLog;
    return (agno * agBlocks + agbno) * blockSize + slot * inodeSize;
  }

  /** The 512-byte "disk address" v5 headers record for a byte offset. */
  static daddr(byteOffset: number): bigint {
    return BigInt(byteOffset / 512);
  }

  /** Raw bytes, exactly, or InspectError "truncated". */
  read(offset: number, length: number, what: string): Promise<Uint8Array> {
    return readExact(this.reader, offset, length, `XFS ${what}`);
  }

  /**
   * Metadata assembled from one or more byte runs (a directory block may be
   * split across extents), checked once by `verify` and then cached.
   */
  async metadataBlock(kind: string, runs: { offset: number; length: number }[], verify: (bytes: Uint8Array) => void): Promise<Uint8Array> {
    const key = `${kind}:${runs.map((run) => `${run.offset}+${run.length}`).join(",")}`;
    const cached = this.metadata.get(key);
    if (cached) return cached;
    let bytes: Uint8Array;
    if (runs.length === 1) {
      bytes = await this.read(runs[0].offset, runs[0].length, kind);
    } else {
      bytes = new Uint8Array(runs.reduce((sum, run) => sum + run.length, 0));
      let at = 0;
      for (const run of runs) {
        bytes.set(await this.read(run.offset, run.length, kind), at);
        at += run.length;
      }
    }
    verify(bytes);
    this.metadata.set(key, bytes);
    return bytes;
  }

  /**
   * Checks the self-describing part of a v5 metadata block: checksum, the
   * file system it belongs to, where it was written and which inode owns it.
   */
  verifyV5Header(bytes: Uint8Array, layout: HeaderLayout, firstByte: number, owner: number, what: string): void {
    verifyChecksum(bytes, layout.crc, what);
    const view = new BigEndian(bytes);
    if (!equalBytes(view.slice(layout.uuid, 16), this.sb.metaUuid)) throw new InspectError("corrupt", `The XFS ${what} belongs to another file system.`);
    if (view.u64(layout.blkno) !== XfsVolume.daddr(firstByte))
      throw new InspectError("corrupt", `The XFS ${what} records a different location than where it was found.`);
    if (view.u64(layout.owner) !== BigInt(owner))
      throw new InspectError("corrupt", `The XFS ${what} belongs to inode ${view.u64(layout.owner)}, not ${owner}.`);
  }
}
