// CRC-32C (Castagnoli), the checksum of ext4's metadata_csum feature.

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The raw CRC register after `bytes`, starting from `seed`, without the final inversion: ext4
 * (like e2fsprogs' ext2fs_crc32c_le) chains these and stores the register as it is.
 */
export function crc32c(seed: number, bytes: Uint8Array): number {
  let crc = seed >>> 0;
  for (let i = 0; i < bytes.length; i += 1) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return crc >>> 0;
}
