import { createHash, type Hash } from "node:crypto";
import type { GuestDisk } from "../inspect/disk/mapped-disk";
import { diskPieces, isAllZero, type DiskPiece } from "./disk-pieces";

/**
 * The disk digest: a checksum of the disk the guest sees, the same for every container it is
 * stored in (raw, QCOW2, VMDK, VHD...), in the spirit of oVirt's blkhash. The disk (its virtual
 * size S) is cut into blocks of 64 KiB, the last one shorter when S is not a multiple; each block
 * is hashed with SHA-256; the digest is the SHA-256 of the 32-byte block hashes, concatenated in
 * order. Blocks of zeros, which the image's tables often say are zeros without storing them,
 * cost no read and no hashing. Recomputed with standard tools (docs/decisions.md):
 *   qemu-img convert -O raw IMAGE disk.raw
 *   split -b 64K --filter 'sha256sum | head -c 64' disk.raw | xxd -r -p | sha256sum
 */
export const DIGEST_BLOCK = 64 * 1024;
export const DIGEST_ALGORITHM = "sha256-64k";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest();
const ZERO_BLOCK_HASH = sha256(new Uint8Array(DIGEST_BLOCK));
/** The hash of a zero block, repeated: a run of zero blocks is hashed 32,768 at a time. */
const ZERO_HASHES = Buffer.alloc(32 * 32768);
for (let at = 0; at < ZERO_HASHES.length; at += 32) ZERO_BLOCK_HASH.copy(ZERO_HASHES, at);

/** Takes the disk's pieces in order and gives the digest. */
export class DiskDigest {
  private readonly outer: Hash = createHash("sha256");
  private done = 0;

  constructor(readonly size: number) {}

  /**
   * The next piece (it must start where the last one ended, on a block boundary). `zero`, when the caller
   * already looked (zeroBlocks with DIGEST_BLOCK), says which of the piece's blocks are all zero.
   */
  update(piece: DiskPiece, zero?: Uint8Array): void {
    if (piece.offset !== this.done) throw new Error(`disk digest: piece at ${piece.offset}, expected ${this.done}`);
    const end = piece.offset + piece.length;
    for (let at = piece.offset; at < end;) {
      const blockEnd = Math.min(end, this.size, at + DIGEST_BLOCK);
      const length = blockEnd - at;
      if (piece.data === null) {
        if (length < DIGEST_BLOCK) this.outer.update(sha256(new Uint8Array(length)));
        else {
          const blocks = Math.min(Math.floor((end - at) / DIGEST_BLOCK), ZERO_HASHES.length / 32);
          this.outer.update(ZERO_HASHES.subarray(0, blocks * 32));
          at += blocks * DIGEST_BLOCK;
          continue;
        }
      } else {
        const block = piece.data.subarray(at - piece.offset, blockEnd - piece.offset);
        const isZero = length === DIGEST_BLOCK && (zero ? zero[(at - piece.offset) / DIGEST_BLOCK] === 1 : isAllZero(block));
        this.outer.update(isZero ? ZERO_BLOCK_HASH : sha256(block));
      }
      at = blockEnd;
    }
    this.done = end;
  }

  /** The digest, as 64 hex digits, once every byte of the disk went through update(). */
  digest(): string {
    if (this.done !== this.size) throw new Error(`disk digest: ${this.done} of ${this.size} bytes hashed`);
    return this.outer.digest("hex");
  }
}

/** The digest of a whole guest disk; `onProgress` gets the fraction done. */
export async function digestDisk(disk: GuestDisk, onProgress?: (fraction: number) => void): Promise<string> {
  const digest = new DiskDigest(disk.size);
  for await (const piece of diskPieces(disk)) {
    digest.update(piece);
    onProgress?.((piece.offset + piece.length) / Math.max(1, disk.size));
  }
  return digest.digest();
}
