import { type FileHandle, open } from "node:fs/promises";
import type { GuestDisk } from "../inspect/disk/mapped-disk";
import { BackgroundFlush } from "./background-flush";
import { DiskDigest } from "./digest";
import { type DiskPiece, diskPieces, zeroBlocks } from "./disk-pieces";
import { CLUSTER, metadataCluster, planQcow2 } from "./qcow2-layout";
import { PackedClusters } from "./qcow2-packed";
import { type ExportCompression, type ExportTarget, isCompressible } from "./targets";
import { writeStreamVmdk } from "./vmdk-stream";

export { CONVERSION_TARGETS, type ConversionTarget } from "./targets";

export interface ConversionOptions {
  onProgress?: (fraction: number) => void;
  /** Compute the source's disk digest from the bytes read (default true; an export, which nothing compares it with, turns it off). */
  digest?: boolean;
  /** Make the file durable before answering (default true: the original is deleted once the conversion is stored). */
  sync?: boolean;
  /** QCOW2 only: its clusters compressed (qcow2-packed.ts). */
  compression?: ExportCompression;
}

export interface ConversionResult {
  /** The disk digest of the source, computed from the bytes read for the conversion (lib/convert/digest.ts); "" when not asked for. */
  digest: string;
  /** Bytes of the file written. */
  size: number;
}

/** Clusters written with one system call at most. */
const WRITE_BATCH = 64;

/** One writev: clusters that follow each other in the file. */
interface Run {
  at: number;
  clusters: Uint8Array[];
}

/** Gathers clusters into runs of consecutive file offsets, WRITE_BATCH clusters at most each. */
class Runs {
  readonly list: Run[] = [];

  add(cluster: Uint8Array, at: number): void {
    const last = this.list.at(-1);
    if (last && last.clusters.length < WRITE_BATCH && last.at + last.clusters.length * CLUSTER === at) last.clusters.push(cluster);
    else this.list.push({ at, clusters: [cluster] });
  }

  /** Starts every run's write (they do not overlap, so they may run at once); resolves when all are done. */
  write(file: FileHandle, flush: BackgroundFlush | null): Promise<void> {
    return Promise.all(
      this.list.map(async ({ at, clusters }) => {
        const { bytesWritten } = await file.writev(clusters, at);
        flush?.wrote(bytesWritten);
      }),
    ).then(() => undefined);
  }
}

/**
 * Writes the guest disk `disk` to `path` as a QCOW2 (64 KiB clusters, data in guest order,
 * tables after it; with `compression`, its clusters compressed and packed), as a sparse raw file, or as a streamOptimized VMDK (vmdk-stream.ts), in one
 * pass: clusters of zeros are never written (holes in raw, unallocated in QCOW2 and VMDK). The disk digest of the source is computed from the same
 * reads, so the result can be checked against the output read back (verifyConversion).
 */
export async function convertDisk(disk: GuestDisk, path: string, target: ExportTarget, options: ConversionOptions = {}): Promise<ConversionResult> {
  const { onProgress, sync = true, compression } = options;
  if (compression && !isCompressible(target)) throw new Error(`a ${target} export has no compressed clusters of its own`);
  const file = await open(path, "wx", 0o600);
  try {
    const digest = options.digest === false ? null : new DiskDigest(disk.size);
    if (target === "vmdk") {
      const size = await writeStreamVmdk(disk, file, digest, onProgress);
      if (sync) await file.sync();
      return { digest: digest?.digest() ?? "", size };
    }
    const flush = sync ? new BackgroundFlush(file) : null;
    const guest: number[] = [];
    let host = 1; // the next data cluster of a QCOW2 (cluster 0 is the header)
    const packer = compression ? new PackedClusters(file, host * CLUSTER) : null;
    /** The file offsets of a piece's clusters that hold data, in runs; zero clusters are left out. */
    const place = (piece: DiskPiece & { data: Uint8Array }, zero: Uint8Array): Runs => {
      const runs = new Runs();
      for (let i = 0, at = 0; at < piece.length; i++, at += CLUSTER) {
        if (zero[i] === 1) continue;
        const cluster = piece.data.subarray(at, Math.min(piece.length, at + CLUSTER));
        if (target === "raw") runs.add(cluster, piece.offset + at);
        else {
          guest.push((piece.offset + at) / CLUSTER);
          runs.add(cluster.length < CLUSTER ? padded(cluster) : cluster, host++ * CLUSTER);
        }
      }
      return runs;
    };
    /** A piece's clusters that hold data, deflated and packed (a compressed QCOW2). */
    const pack = async (packing: PackedClusters, piece: DiskPiece & { data: Uint8Array }, zero: Uint8Array) => {
      for (let i = 0, at = 0; at < piece.length; i++, at += CLUSTER) {
        if (zero[i] === 1) continue;
        const cluster = piece.data.subarray(at, Math.min(piece.length, at + CLUSTER));
        guest.push((piece.offset + at) / CLUSTER);
        await packing.add(cluster.length < CLUSTER ? padded(cluster) : cluster);
      }
      // The piece's buffer is reused once the next piece is asked for: its clusters go out now.
      await packing.flush();
    };
    for await (const piece of diskPieces(disk)) {
      if (piece.data) {
        // A cluster is a digest block (both 64 KiB): the zeros are looked for once. The writes run on libuv's
        // threads while this one hashes; the piece's buffer is reused once the next piece is asked for, so both end first.
        const zero = zeroBlocks(piece.data, CLUSTER);
        const data = { ...piece, data: piece.data };
        const written = packer ? pack(packer, data, zero) : place(data, zero).write(file, flush);
        written.catch(() => undefined); // awaited below, after the hashing: a failure meanwhile is not unhandled
        digest?.update(piece, zero);
        await written;
      } else digest?.update(piece);
      onProgress?.((piece.offset + piece.length) / Math.max(1, disk.size));
    }
    let size = disk.size;
    if (target === "raw") await file.truncate(disk.size);
    else {
      const layout = planQcow2(disk.size, Uint32Array.from(guest), "data-first", packer?.packed());
      // The tables, WRITE_BATCH clusters at a time (a large disk's are hundreds of MiB), then the header.
      for (let first = layout.l2Start; first < layout.totalClusters; first += WRITE_BATCH) {
        const batch: Uint8Array[] = [];
        for (let cluster = first; cluster < Math.min(layout.totalClusters, first + WRITE_BATCH); cluster++) batch.push(metadataCluster(layout, cluster));
        await file.writev(batch, first * CLUSTER);
      }
      await file.writev([metadataCluster(layout, 0)], 0);
      size = layout.totalClusters * CLUSTER;
    }
    await flush?.sync();
    return { digest: digest?.digest() ?? "", size };
  } finally {
    await file.close();
  }
}

function padded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(CLUSTER);
  out.set(bytes);
  return out;
}
