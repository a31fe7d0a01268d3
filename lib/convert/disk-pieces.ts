import type { GuestDisk } from "../inspect/disk/mapped-disk";

/** A stretch of the guest disk: its bytes, or null when the image's tables say it reads as zeros (nothing was read). */
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
}

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
  const pending: Promise<DiskPiece>[] = [];
  let next = 0;
  const schedule = () => {
    if (next >= disk.size) return false;
    const start = next;
    const end = Math.min(disk.size, start + window);
    next = end;
    const piece = mappedZero(disk, start, end).then(async (zero) => ({
      offset: start,
      length: end - start,
      data: zero ? null : await disk.read(start, end - start),
    }));
    // A caller that stops early leaves reads behind: their failures are nobody's to handle.
    piece.catch(() => undefined);
    pending.push(piece);
    return true;
  };
  while (pending.length < readAhead + 1 && schedule());
  let zeroRun: DiskPiece | null = null;
  while (pending.length > 0) {
    const piece = await (pending.shift() as Promise<DiskPiece>);
    schedule();
    if (piece.data === null) {
      if (zeroRun) zeroRun.length += piece.length;
      else zeroRun = { ...piece };
      continue;
    }
    if (zeroRun) yield zeroRun;
    zeroRun = null;
    yield piece;
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
