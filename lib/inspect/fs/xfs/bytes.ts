import { InspectError } from "../../errors";

/** Big-endian field access over a slice of bytes (every XFS structure is big-endian). */
export class BigEndian {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  u8(offset: number): number {
    return this.view.getUint8(offset);
  }

  u16(offset: number): number {
    return this.view.getUint16(offset);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset);
  }

  u64(offset: number): bigint {
    return this.view.getBigUint64(offset);
  }

  /** A 64-bit field as a number; `what` names it in the error when it does not fit in 2^53. */
  safeU64(offset: number, what: string): number {
    const value = this.view.getBigUint64(offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new InspectError("unsupported", `The XFS ${what} (${value}) is too large to handle.`);
    return Number(value);
  }

  slice(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
}

export const NULL_64 = 0xffff_ffff_ffff_ffffn;

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A 16-byte UUID as /etc/fstab writes it: lowercase, dashed. */
export function formatUuid(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const utf8 = new TextDecoder("utf-8");

/** Names and link targets are bytes on disk; they are shown as UTF-8 (invalid sequences replaced). */
export const decodeName = (bytes: Uint8Array): string => utf8.decode(bytes);
