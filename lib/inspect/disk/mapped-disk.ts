import type { RandomAccessReader } from "../reader";
import { fillGuestRuns, readGuestRuns, type GuestRun } from "./guest-runs";

/** Maps a guest offset to where its bytes come from (see GuestRun). */
export interface DiskMapper {
  map(guestOffset: number): Promise<GuestRun>;
}

/**
 * The disk a guest sees, read through the image's allocation tables. `map` tells
 * where a stretch comes from without reading it, so a converter or a digest
 * skips unallocated and zero stretches for the cost of a table lookup.
 */
export interface GuestDisk extends RandomAccessReader {
  /** The run at `offset` (0 <= offset < size), never longer than what is left of the disk. */
  map(offset: number): Promise<GuestRun>;
  /** Fills `target` with the disk's bytes from `offset` (it must lie inside the disk), reusing the caller's buffer. */
  fill(offset: number, target: Uint8Array): Promise<Uint8Array>;
}

/** A guest disk of `size` bytes over `reader`, mapped by the mapper `open` makes on first use (one header read, shared). */
export function mappedDisk(reader: RandomAccessReader, size: number, open: () => Promise<DiskMapper>): GuestDisk {
  let mapper: Promise<DiskMapper> | null = null;
  const mapperOf = () => (mapper ??= open());
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
      const m = await mapperOf();
      return readGuestRuns(reader, offset, Math.min(length, size - offset), (at) => m.map(at));
    },
    async map(offset) {
      const run = await (await mapperOf()).map(offset);
      return { ...run, length: Math.min(run.length, size - offset) };
    },
    async fill(offset, target) {
      const m = await mapperOf();
      return fillGuestRuns(reader, offset, target, (at) => m.map(at));
    },
  };
}

/** A raw file seen as a `size`-byte disk: the file, then zeros (qemu pads a last partial sector). */
export function rawDisk(reader: RandomAccessReader, size: number): GuestDisk {
  const map = (at: number): GuestRun => (at < reader.size ? { kind: "host", offset: at, length: reader.size - at } : { kind: "zero", length: size - at });
  return {
    size,
    read(offset, length) {
      if (offset < 0 || offset >= size || length <= 0) return Promise.resolve(new Uint8Array(0));
      const want = Math.min(length, size - offset);
      // Inside the file, the file's own reader answers (no copy).
      if (offset + want <= reader.size) return reader.read(offset, want);
      return readGuestRuns(reader, offset, want, (at) => Promise.resolve(map(at)));
    },
    map: (offset) => Promise.resolve(map(offset)),
    fill: (offset, target) => fillGuestRuns(reader, offset, target, (at) => Promise.resolve(map(at))),
  };
}
