import { blake2b } from "@noble/hashes/blake2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import xxhash, { type XXHashAPI } from "xxhash-wasm";
import { InspectError } from "../../errors";
import { crc32c } from "../../util/crc32c";
import type { CsumType } from "./structures";

/** Checks the checksum a block stores in its first bytes against the rest of the block (from byte 32). */
export type BlockVerifier = (block: Uint8Array) => boolean;

const CSUM_START = 32;
let xxhashApi: Promise<XXHashAPI> | null = null;

const sameDigest = (block: Uint8Array, digest: Uint8Array) => digest.every((byte, i) => block[i] === byte);

function littleEndian64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

/** The verifier for a superblock's csum_type: crc32c and xxhash64 stored little-endian, sha256 and blake2b-256 as digests. */
export async function blockVerifier(type: CsumType): Promise<BlockVerifier> {
  switch (type) {
    case "crc32c":
      return (block) => crc32c(block, CSUM_START) === new DataView(block.buffer, block.byteOffset, 4).getUint32(0, true);
    case "xxhash64": {
      xxhashApi ??= xxhash();
      const api = await xxhashApi.catch((error: unknown) => {
        xxhashApi = null;
        throw new InspectError("unsupported", `xxhash64 checksums need WebAssembly, which is unavailable here (${String(error)}).`);
      });
      return (block) => sameDigest(block, littleEndian64(api.h64Raw(block.subarray(CSUM_START), 0n)));
    }
    case "sha256":
      return (block) => sameDigest(block, sha256(block.subarray(CSUM_START)));
    case "blake2b":
      return (block) => sameDigest(block, blake2b(block.subarray(CSUM_START), { dkLen: 32 }));
  }
}
