import { NTFS } from "./ntfs-errors";

const UPCASE_BYTES = 65536 * 2;

/**
 * The volume's $UpCase table: the uppercase of every UTF-16 code unit, as Windows wrote it when
 * it formatted the volume. Directory indexes are sorted by it and names compare through it.
 */
export class UpCase {
  private constructor(private readonly table: Uint16Array) {}

  static fromBytes(bytes: Uint8Array): UpCase {
    if (bytes.length !== UPCASE_BYTES) throw NTFS.upcase_invalid({ size: bytes.length });
    const table = new Uint16Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
    return new UpCase(table);
  }

  /** The order of NTFS's filename collation: code units through $UpCase, then length. */
  compare(a: string, b: string): number {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
      const difference = this.table[a.charCodeAt(i)] - this.table[b.charCodeAt(i)];
      if (difference !== 0) return difference;
    }
    return a.length - b.length;
  }
}
