import type { GuestDisk } from "../inspect/disk/mapped-disk";

/**
 * A stretch of the guest disk: its bytes, or null when the image's tables say it reads as zeros
 * (nothing was read). The bytes live in a reused buffer: they are valid until the next piece is asked for.
 */
export interface DiskPiece {
  offset: number;
  length: number;
  data: Uint8Array | null;
}

export interface PieceOptions {
  /** Bytes read at once; pieces start on multiples of it, so blocks and clusters that divide it are never split. */
  window?: number;
  /** Windows read ahead while the caller works on the current one. */
  readAhead?: number;
  /** Makes the window buffers (default: on a SharedArrayBuffer, which a reader in another thread can fill). */
  allocate?: (bytes: number) => Uint8Array;
  /** Where the pieces start: the window holding this offset (default 0). */
  from?: number;
}

/** A buffer another thread can fill in place (see lib/convert/worker). */
export const sharedBuffer = (bytes: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(bytes));

const MiB = 1024 * 1024;

/** Whether the window [start, end) reads as zeros by the tables alone. */
async function mappedZero(disk: GuestDisk, start: number, end: number): Promise<boolean> {
  for (let at = start; at < end;) {
    const run = await disk.map(at);
    if (run.kind !== "zero") return false;
    at += run.length;
  }
  return true;
}

/**
 * The guest disk from start to end, in order, as aligned pieces: windows the tables map to zeros
 * come as one `data: null` piece each run of them (no read at all), every other window is read
 * whole (its unallocated parts cost no I/O), with the next windows read ahead.
 */
export async function* diskPieces(disk: GuestDisk, options: PieceOptions = {}): AsyncGenerator<DiskPiece> {
  const window = options.window ?? 4 * MiB;
  const readAhead = options.readAhead ?? 2;
  // One buffer per window in flight and one for the caller's piece: a buffer is filled again only after the caller moved on.
  const free = Array.from({ length: readAhead + 2 }, () => (options.allocate ?? sharedBuffer)(Math.min(window, Math.max(1, disk.size))));
  const pending: Promise<{ piece: DiskPiece; buffer: Uint8Array }>[] = [];
  let next = Math.floor((options.from ?? 0) / window) * window;
  const schedule = () => {
    if (next >= disk.size) return;
    const start = next;
    const end = Math.min(disk.size, start + window);
    next = end;
    const buffer = free.pop() as Uint8Array;
    const read = mappedZero(disk, start, end).then(async (zero) => ({
      buffer,
      piece: { offset: start, length: end - start, data: zero ? null : await disk.fill(start, buffer.subarray(0, end - start)) },
    }));
    // A caller that stops early leaves reads behind: their failures are nobody's to handle.
    read.catch(() => undefined);
    pending.push(read);
  };
  for (let i = 0; i <= readAhead; i++) schedule();
  let zeroRun: DiskPiece | null = null;
  while (pending.length > 0) {
    const { piece, buffer } = await (pending.shift() as Promise<{ piece: DiskPiece; buffer: Uint8Array }>);
    if (piece.data === null) {
      free.push(buffer);
      schedule();
      if (zeroRun) zeroRun.length += piece.length;
      else zeroRun = { ...piece };
      continue;
    }
    schedule();
    if (zeroRun) yield zeroRun;
    zeroRun = null;
    yield piece;
    free.push(buffer);
  }
  if (zeroRun) yield zeroRun;
}

const ZEROS = new Uint8Array(4 * MiB);

/** Whether `bytes` are all zero (memcmp against a zero page, many GB/s). */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let at = 0; at < bytes.length; at += ZEROS.length) {
    const part = bytes.subarray(at, Math.min(bytes.length, at + ZEROS.length));
    if (Buffer.compare(part, ZEROS.subarray(0, part.length)) !== 0) return false;
  }
  return true;
}

/** Which `block`-byte blocks of `bytes` are all zero (1) or not (0), the last one possibly shorter: found once, for the writer and the digest. */
export function zeroBlocks(bytes: Uint8Array, block: number): Uint8Array {
  const zero = new Uint8Array(Math.ceil(bytes.length / block));
  for (let i = 0; i < zero.length; i++) zero[i] = isAllZero(bytes.subarray(i * block, (i + 1) * block)) ? 1 : 0;
  return zero;
}
