import type { FileHandle } from "node:fs/promises";
import { constants, deflateRawSync } from "node:zlib";
import { CLUSTER, CLUSTER_BITS, COPIED, type PackedData } from "./qcow2-layout";

/**
 * The data clusters of a compressed QCOW2, as `qemu-img convert -c` writes them (docs/interop/qcow2.txt,
 * "Compressed Clusters Descriptor", compression_type zlib): each cluster raw-deflated and placed at the byte
 * after the previous one, across cluster boundaries; a cluster that deflate does not shrink is stored whole
 * on the next cluster boundary, as a plain cluster, and the compressed clusters that follow fill the tail it
 * skipped while they fit (as qemu fills its partly used cluster). Zero clusters are never given (they stay unallocated).
 * The deflate runs where the converter runs: on the disk worker's thread (lib/convert/disk-worker.ts).
 */
const COMPRESSED = 2n ** 62n;
const SECTOR = 512;
/** Where the count of additional sectors starts in a compressed L2 entry: 62 - (cluster_bits - 8). */
const SECTORS_SHIFT = BigInt(62 - (CLUSTER_BITS - 8));
/**
 * A 4 KiB window, as qemu deflates and inflates (windowBits -12): zlib follows a reference further back only
 * because qemu inflates a whole cluster into one buffer, which another reader need not do. Level 1, as the
 * VMDK export's grains (the user waits for it): on the Debian guest fixture its file is 1.07 times the size of
 * qemu-img's at level 6 (docs/benchmarks.md, "QCOW2 with compressed clusters").
 */
const DEFLATE = { level: constants.Z_BEST_SPEED, windowBits: 12 };
/** Bytes written at once. */
const FLUSH_BYTES = 4 * 1024 * 1024;

export class PackedClusters {
  private readonly entries: bigint[] = [];
  private readonly refcounts: number[] = [];
  /** Writes not yet made, in order: [offset from the data's start, bytes]. */
  private writes: [number, Uint8Array][] = [];
  private pending = 0;
  /** Where the next bytes are appended, from the data's start. */
  private end = 0;
  /** The free tail of the cluster a plain cluster skipped (it starts on the next boundary): later compressed clusters fill it. */
  private gap = { at: 0, length: 0 };

  /** Data written to `file` from byte `start` (a cluster boundary) on. */
  constructor(
    private readonly file: FileHandle,
    private readonly start: number,
  ) {}

  /** Adds the next guest cluster that holds data (CLUSTER bytes); its bytes may be reused once flush() is done. */
  async add(cluster: Uint8Array): Promise<void> {
    const deflated = deflateRawSync(cluster, DEFLATE);
    if (deflated.length >= CLUSTER) {
      const aligned = Math.ceil(this.end / CLUSTER) * CLUSTER;
      if (aligned > this.end) this.gap = { at: this.end, length: aligned - this.end };
      this.entries.push(BigInt(aligned) | COPIED);
      this.put(aligned, cluster);
      this.end = aligned + CLUSTER;
    } else {
      const inGap = deflated.length <= this.gap.length;
      const at = inGap ? this.gap.at : this.end;
      const sectors = Math.ceil(((at % SECTOR) + deflated.length) / SECTOR);
      this.entries.push(COMPRESSED | (BigInt(sectors - 1) << SECTORS_SHIFT) | BigInt(at));
      this.put(at, deflated);
      if (inGap) this.gap = { at: at + deflated.length, length: this.gap.length - deflated.length };
      else this.end = at + deflated.length;
    }
    if (this.pending >= FLUSH_BYTES) await this.flush();
  }

  /** Places a cluster's bytes at `at`, counting a reference to each host cluster they touch. */
  private put(at: number, bytes: Uint8Array): void {
    for (let host = Math.floor(at / CLUSTER); host <= Math.floor((at + bytes.length - 1) / CLUSTER); host++)
      this.refcounts[host] = (this.refcounts[host] ?? 0) + 1;
    this.writes.push([at, bytes]);
    this.pending += bytes.length;
  }

  /** Makes the writes, one system call for each run of adjacent ones. */
  async flush(): Promise<void> {
    let run: Uint8Array[] = [];
    let runAt = 0;
    let runEnd = 0;
    for (const [at, bytes] of this.writes) {
      if (run.length > 0 && at !== runEnd) {
        await this.file.writev(run, this.start + runAt);
        run = [];
      }
      if (run.length === 0) runAt = at;
      run.push(bytes);
      runEnd = at + bytes.length;
    }
    if (run.length > 0) await this.file.writev(run, this.start + runAt);
    this.writes = [];
    this.pending = 0;
  }

  /** What the tables need, once every cluster is added and flushed. */
  packed(): PackedData {
    return { clusters: Math.ceil(this.end / CLUSTER), entries: BigUint64Array.from(this.entries), refcounts: Uint16Array.from(this.refcounts) };
  }
}
