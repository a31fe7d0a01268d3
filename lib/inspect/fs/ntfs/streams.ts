import type { RandomAccessReader } from "../../reader";
import { ATTR_FLAG, type Attribute, type NonResidentAttribute, type Run } from "./attributes";
import { lznt1Decompress } from "./lznt1";
import { NTFS } from "./ntfs-errors";
import { findRun } from "./runs";

/** Bytes one read may return, whatever the attribute claims. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;
/** NTFS compresses in units of 16 clusters of at most 4 KiB. */
const MAX_COMPRESSION_UNIT = 64 * 1024;

/**
 * Reads attribute streams from the volume: resident values, runs of clusters with holes, and
 * LZNT1 compression units. Every read is clamped to the stream's data size and zero past its
 * initialized size, as Windows reads them.
 */
export class StreamReader {
  constructor(
    private readonly disk: RandomAccessReader,
    private readonly clusterSize: number,
  ) {}

  /** Up to `length` bytes of `attribute` from `offset` (fewer only at its end). */
  async read(attribute: Attribute, offset: number, length: number, what: string): Promise<Uint8Array> {
    if (attribute.resident) return attribute.value.slice(Math.min(offset, attribute.value.length), Math.min(offset + length, attribute.value.length));
    if (attribute.flags & ATTR_FLAG.encrypted) throw NTFS.encrypted({ what });
    const end = Math.min(offset + length, attribute.dataSize);
    if (offset >= end) return new Uint8Array(0);
    if (end - offset > MAX_READ_BYTES) throw NTFS.too_large({ what: `a read of ${what}`, size: end - offset, limit: MAX_READ_BYTES });
    const out = new Uint8Array(end - offset);
    const initialized = Math.min(end, attribute.initializedSize);
    if (initialized > offset) {
      if (attribute.flags & ATTR_FLAG.compressed && attribute.compressionUnit > 0)
        await this.readCompressed(attribute, offset, out.subarray(0, initialized - offset), what);
      else await this.readRuns(attribute.runs, offset, out.subarray(0, initialized - offset), what, false);
    }
    return out;
  }

  /**
   * Fills `out` with the clusters the runs map from byte `offset`; holes stay zero. Bytes past
   * the last run are corruption, unless `pastEndIsHole` (the tail of a compression unit).
   */
  private async readRuns(runs: Run[], offset: number, out: Uint8Array, what: string, pastEndIsHole: boolean): Promise<void> {
    const size = this.clusterSize;
    let done = 0;
    let index = findRun(runs, Math.floor(offset / size));
    const reads: Promise<void>[] = [];
    while (done < out.length) {
      const position = offset + done;
      const run = index >= 0 && index < runs.length ? runs[index] : undefined;
      if (!run || position < run.vcn * size) {
        if (pastEndIsHole) return;
        throw NTFS.runlist_invalid({ what, detail: `no run maps byte ${position}` });
      }
      const take = Math.min(out.length - done, (run.vcn + run.length) * size - position);
      if (run.lcn !== null) {
        const at = run.lcn * size + (position - run.vcn * size);
        const target = out.subarray(done, done + take);
        reads.push(
          this.disk.read(at, take).then((bytes) => {
            if (bytes.length < take) throw NTFS.read_past_end({ what });
            target.set(bytes);
          }),
        );
      }
      done += take;
      index += 1;
    }
    await Promise.all(reads);
  }

  /**
   * Compressed streams come in units of 2^compressionUnit clusters: a unit that starts with a
   * hole is zeros, a fully allocated one is stored as is, and one whose clusters are followed by
   * a hole holds LZNT1 data for the whole unit (the rules ntfs-3g and Windows follow).
   */
  private async readCompressed(attribute: NonResidentAttribute, offset: number, out: Uint8Array, what: string): Promise<void> {
    const clusters = 2 ** attribute.compressionUnit;
    const unitSize = clusters * this.clusterSize;
    if (attribute.compressionUnit > 16 || unitSize > MAX_COMPRESSION_UNIT) throw NTFS.compression_unsupported({ clusters, size: this.clusterSize });
    let done = 0;
    while (done < out.length) {
      const position = offset + done;
      const unit = Math.floor(position / unitSize);
      const within = position - unit * unitSize;
      const take = Math.min(out.length - done, unitSize - within);
      const target = out.subarray(done, done + take);
      const firstVcn = unit * clusters;
      const first = findRun(attribute.runs, firstVcn);
      if (first < 0) throw NTFS.runlist_invalid({ what, detail: `no run maps cluster ${firstVcn}` });
      if (attribute.runs[first].lcn !== null) {
        if (this.allocated(attribute.runs, first, firstVcn, clusters)) {
          await this.readRuns(attribute.runs, position, target, what, false);
        } else {
          const packed = new Uint8Array(unitSize);
          await this.readRuns(attribute.runs, unit * unitSize, packed, what, true);
          const unpacked = new Uint8Array(unitSize);
          const result = lznt1Decompress(packed, unpacked);
          if (typeof result === "string") throw NTFS.compression_invalid({ what, detail: result });
          target.set(unpacked.subarray(within, within + take));
        }
      }
      done += take;
    }
  }

  /** Whether clusters firstVcn..firstVcn+count-1 are all allocated (no hole, no end of runs). */
  private allocated(runs: Run[], index: number, firstVcn: number, count: number): boolean {
    let vcn = firstVcn;
    for (let i = index; i < runs.length && vcn < firstVcn + count; i++) {
      if (runs[i].lcn === null) return false;
      vcn = runs[i].vcn + runs[i].length;
    }
    return vcn >= firstVcn + count;
  }
}
