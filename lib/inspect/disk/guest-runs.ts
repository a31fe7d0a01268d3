import { InspectError } from "../errors";
import type { RandomAccessReader } from "../reader";

/**
 * Where a stretch of the guest disk comes from: bytes of the image file, zeros
 * (unallocated, zero flags), or bytes already in memory (a decompressed
 * cluster). `length` is how far the run goes from the mapped offset.
 */
export type GuestRun =
  { kind: "host"; offset: number; length: number } | { kind: "zero"; length: number } | { kind: "bytes"; bytes: Uint8Array; length: number };

/**
 * Fills `length` guest bytes from `offset` by mapping run after run, and reads
 * host runs that are contiguous in the file with one read. Bytes past the end
 * of the file read as zeros, as qemu reads them.
 */
export function readGuestRuns(
  reader: RandomAccessReader,
  offset: number,
  length: number,
  map: (guestOffset: number) => Promise<GuestRun>,
): Promise<Uint8Array> {
  return fillGuestRuns(reader, offset, new Uint8Array(length), map, false);
}

/** Reads `length` bytes into `out` (the reader's own buffer-filling read when it has one); `clear`: zero the zero runs (a reused buffer). */
export async function fillGuestRuns(
  reader: RandomAccessReader,
  offset: number,
  out: Uint8Array,
  map: (guestOffset: number) => Promise<GuestRun>,
  clear = true,
): Promise<Uint8Array> {
  const length = out.length;
  let pending: { at: number; host: number; length: number } | null = null;
  const flush = async () => {
    if (!pending) return;
    const available = Math.max(0, Math.min(pending.length, reader.size - pending.host));
    const into = out.subarray(pending.at, pending.at + available);
    const got = available === 0 ? 0 : reader.readInto ? await reader.readInto(pending.host, into) : copy(await reader.read(pending.host, available), into);
    // Bytes past the end of the file read as zeros.
    if (clear) out.fill(0, pending.at + got, pending.at + pending.length);
    pending = null;
  };
  for (let done = 0; done < length;) {
    const run = await map(offset + done);
    const n = Math.min(run.length, length - done);
    if (n <= 0) throw new InspectError("corrupt", `The image maps guest offset ${offset + done} to nothing.`);
    if (run.kind === "host") {
      if (pending && pending.host + pending.length === run.offset && pending.at + pending.length === done) pending.length += n;
      else {
        await flush();
        pending = { at: done, host: run.offset, length: n };
      }
    } else {
      await flush();
      if (run.kind === "bytes") out.set(run.bytes.subarray(0, n), done);
      else if (clear) out.fill(0, done, done + n);
    }
    done += n;
  }
  await flush();
  return out;
}

function copy(bytes: Uint8Array, into: Uint8Array): number {
  into.set(bytes.subarray(0, into.length));
  return Math.min(bytes.length, into.length);
}
