/** CRC-32C (Castagnoli): the metadata checksum of ext4, XFS and btrfs, and btrfs' name hash. */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The raw register update, as the kernel's crc32c(seed, data, len): no inversion on the way in or out. */
export function crc32cUpdate(seed: number, data: Uint8Array, start = 0, end = data.length): number {
  let crc = seed >>> 0;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return crc >>> 0;
}

/** The standard CRC-32C of `data[start, end)`. */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  return ~crc32cUpdate(0xffffffff, data, start, end) >>> 0;
}
