import type { FileHandle } from "node:fs/promises";
import { constants, deflateRawSync } from "node:zlib";
import { CLUSTER, CLUSTER_BITS, COPIED, type PackedData } from "./qcow2-layout";

/**
 * The data clusters of a compressed QCOW2, as `qemu-img convert -c` writes them (docs/interop/qcow2.txt,
 * "Compressed Clusters Descriptor", compression_type zlib): each cluster raw-deflated and placed at the byte
 * after the previous one, across cluster boundaries; a cluster that deflate does not shrink is stored whole
 * on the next cluster boundary, as a plain cluster. Zero clusters are never given (they stay unallocated).
 * The deflate runs where the converter runs: on the disk worker's thread (lib/convert/disk-worker.ts).
 */
const COMPRESSED = 2n ** 62n;
const SECTOR = 512;
/** Where the count of additional sectors starts in a compressed L2 entry: 62 - (cluster_bits - 8). */
const SECTORS_SHIFT = BigInt(62 - (CLUSTER_BITS - 8));
/**
 * A 4 KiB window, as qemu deflates and inflates (windowBits -12): zlib follows a reference further back only
 * because qemu inflates a whole cluster into one buffer, which another reader need not do. Level 1, as the VMDK export's grains: most of the saving of the default for a third of its time
 * (docs/benchmarks.md, "Export").
 */
const DEFLATE = { level: constants.Z_BEST_SPEED, windowBits: 12 };
/** Bytes written at once. */
const FLUSH_BYTES = 4 * 1024 * 1024;

export class PackedClusters {
  private readonly entries: bigint[] = [];
  private readonly refcounts: number[] = [];
  private parts: Uint8Array[] = [];
  private pending = 0;
  private written = 0;

  /** Data written to `file` from byte `start` (a cluster boundary) on. */
  constructor(
    private readonly file: FileHandle,
    private readonly start: number,
  ) {}

  /** Adds the next guest cluster that holds data (CLUSTER bytes); its bytes may be reused once flush() is done. */
  async add(cluster: Uint8Array): Promise<void> {
    const deflated = deflateRawSync(cluster, DEFLATE);
    const end = this.written + this.pending;
    if (deflated.length < CLUSTER) {
      const sectors = Math.ceil(((end % SECTOR) + deflated.length) / SECTOR);
      this.entries.push(COMPRESSED | (BigInt(sectors - 1) << SECTORS_SHIFT) | BigInt(end));
      this.put(end, deflated);
    } else {
      const aligned = Math.ceil(end / CLUSTER) * CLUSTER;
      if (aligned > end) this.parts.push(new Uint8Array(aligned - end));
      this.pending += aligned - end;
      this.entries.push(BigInt(aligned) | COPIED);
      this.put(aligned, cluster);
    }
    if (this.pending >= FLUSH_BYTES) await this.flush();
  }

  /** Appends a cluster's bytes at `at` (the end so far), counting a reference to each host cluster they touch. */
  private put(at: number, bytes: Uint8Array): void {
    for (let host = Math.floor(at / CLUSTER); host <= Math.floor((at + bytes.length - 1) / CLUSTER); host++) this.refcounts[host] = (this.refcounts[host] ?? 0) + 1;
    this.parts.push(bytes);
    this.pending += bytes.length;
  }

  async flush(): Promise<void> {
    if (this.parts.length > 0) await this.file.writev(this.parts, this.start + this.written);
    this.written += this.pending;
    this.parts = [];
    this.pending = 0;
  }

  /** What the tables need, once every cluster is added and flushed. */
  packed(): PackedData {
    return { clusters: Math.ceil(this.written / CLUSTER), entries: BigUint64Array.from(this.entries), refcounts: Uint16Array.from(this.refcounts) };
  }
}
