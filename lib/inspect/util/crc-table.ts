/** The 256-entry lookup table of a reflected CRC-32 with `polynomial` (0xedb88320 for CRC-32, 0x82f63b78 for CRC-32C). */
export function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
