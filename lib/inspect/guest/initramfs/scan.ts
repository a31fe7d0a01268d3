import type { Codecs } from "../../codecs";
import { isInspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import { moduleNameOf } from "../kernel-drivers";
import { ReaderSource, StreamSource } from "./byte-source";
import { isRegularFile, readCpioArchives, type CpioEntry, type CpioEnd, type CpioProgress } from "./cpio";
import { decompress, detectCompression, type Compression } from "./decompress";

export interface InitramfsScan {
  /** The wanted modules found in the archive (module names, "virtio_blk"). */
  found: Set<string>;
  /** True when the archive was read to its end or the answer was known earlier: a module not found is absent. */
  complete: boolean;
  /** The compression of each compressed segment, in order ("none" segments are not listed). */
  compression: Compression[];
  /** Members seen. */
  members: number;
  /** Why the scan could not finish, in words for the report. */
  problem?: string;
}

/** Real initramfs images unpack to a few hundred MiB at most; past this it is a bomb. */
export const MAX_UNPACKED = 1024 * 1024 * 1024;

/** The module name of a member such as "usr/lib/modules/6.1.0/kernel/drivers/block/virtio_blk.ko.zst". */
const memberModule = (entry: CpioEntry) => (isRegularFile(entry) && entry.name.includes("/modules/") ? moduleNameOf(entry.name) : null);

/** Returns the generator's chunks and remembers its return value (where an lz4 segment ended). */
async function* remembering(source: AsyncGenerator<Uint8Array, number | null>, end: { offset: number | null }): AsyncGenerator<Uint8Array> {
  end.offset = yield* source;
}

/**
 * Looks for kernel modules in an initramfs the way the kernel unpacks it:
 * uncompressed cpio archives (an early-microcode one in front), then
 * compressed segments of cpio archives, each after the other. Streams
 * everything: uncompressed members are skipped without reading them,
 * compressed ones are decompressed chunk by chunk and never held whole, and it
 * stops as soon as `enough(found)` says the answer is known.
 */
export async function scanInitramfs(
  file: RandomAccessReader,
  wanted: ReadonlySet<string>,
  enough: (found: ReadonlySet<string>) => boolean = (found) => found.size === wanted.size,
  { codecs, limit = MAX_UNPACKED }: { codecs?: Codecs; limit?: number } = {},
): Promise<InitramfsScan> {
  const result: InitramfsScan = { found: new Set(), complete: false, compression: [], members: 0 };
  const visit = (entry: CpioEntry): boolean => {
    result.members++;
    const name = memberModule(entry);
    if (name && wanted.has(name)) result.found.add(name);
    return enough(result.found);
  };
  let source = new ReaderSource(file, 0);
  try {
    for (;;) {
      let end: CpioEnd = await readCpioArchives(source, visit);
      if (end !== "other") return { ...result, complete: true };
      const kind = detectCompression(await source.peek(8));
      if (!kind) return { ...result, problem: `the initramfs holds data that is neither cpio nor a known compression at offset ${source.position}` };
      result.compression.push(kind);
      const segmentEnd: { offset: number | null } = { offset: null };
      const stream = new StreamSource(remembering(decompress(kind, file, source.position, codecs), segmentEnd), limit);
      const progress: CpioProgress = { archives: 0, betweenArchives: true };
      try {
        end = await readCpioArchives(stream, visit, progress);
      } catch (error) {
        // Bytes after the compressed stream (padding, a trailer the library does not expect) make
        // some decompressors fail; once the archives in it ended cleanly, that is where the segment ends.
        if (!(progress.archives > 0 && progress.betweenArchives)) throw error;
        end = "end";
      } finally {
        await stream.close();
      }
      if (end === "stopped") return { ...result, complete: true };
      if (end === "other") return { ...result, problem: `the ${kind} segment of the initramfs holds data that is not cpio` };
      // Only lz4 says where its input ended; after the other compressors the segment is taken to run to the end of the file.
      if (segmentEnd.offset === null || segmentEnd.offset >= file.size) return { ...result, complete: true };
      source = new ReaderSource(file, segmentEnd.offset);
    }
  } catch (error) {
    if (!isInspectError(error)) throw error;
    return { ...result, problem: error.message };
  }
}
