import { open } from "node:fs/promises";
import type { GuestDisk } from "../inspect/disk/mapped-disk";
import { DiskDigest } from "./digest";
import { diskPieces, isAllZero } from "./disk-pieces";
import { CLUSTER, metadataCluster, planQcow2 } from "./qcow2-layout";
import { PackedClusters } from "./qcow2-packed";
import { type ExportCompression, type ExportTarget, isCompressible } from "./targets";
import { writeStreamVmdk } from "./vmdk-stream";

export { CONVERSION_TARGETS, type ConversionTarget } from "./targets";

export interface ConversionOptions {
  onProgress?: (fraction: number) => void;
  /** Compute the source's disk digest from the bytes read (default true; off only to measure the conversion alone). */
  digest?: boolean;
  /** fsync the file before answering (default true: the original is deleted once the conversion is stored). */
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
    const guest: number[] = [];
    let host = 1; // the next data cluster of a QCOW2 (cluster 0 is the header)
    const packer = compression ? new PackedClusters(file, host * CLUSTER) : null;
    let batch: Uint8Array[] = [];
    let batchAt = 0;
    const flush = async () => {
      if (batch.length > 0) await file.writev(batch, batchAt);
      batch = [];
    };
    const write = async (cluster: Uint8Array, at: number) => {
      if (batch.length === WRITE_BATCH || (batch.length > 0 && batchAt + batch.length * CLUSTER !== at)) await flush();
      if (batch.length === 0) batchAt = at;
      batch.push(cluster);
    };
    for await (const piece of diskPieces(disk)) {
      digest?.update(piece);
      if (piece.data) {
        for (let at = 0; at < piece.length; at += CLUSTER) {
          let cluster = piece.data.subarray(at, Math.min(piece.length, at + CLUSTER));
          if (isAllZero(cluster)) continue;
          const guestCluster = (piece.offset + at) / CLUSTER;
          if (target === "raw") await write(cluster, piece.offset + at);
          else {
            if (cluster.length < CLUSTER) cluster = padded(cluster);
            guest.push(guestCluster);
            if (packer) await packer.add(cluster);
            else await write(cluster, host++ * CLUSTER);
          }
        }
      }
      // The piece's buffer is reused once the next piece is asked for: its clusters go out now.
      await flush();
      await packer?.flush();
      onProgress?.((piece.offset + piece.length) / Math.max(1, disk.size));
    }
    let size = disk.size;
    if (target === "raw") await file.truncate(disk.size);
    else {
      const layout = planQcow2(disk.size, Uint32Array.from(guest), "data-first", packer?.packed());
      for (let cluster = layout.l2Start; cluster < layout.totalClusters; cluster++) await write(metadataCluster(layout, cluster), cluster * CLUSTER);
      await write(metadataCluster(layout, 0), 0);
      await flush();
      size = layout.totalClusters * CLUSTER;
    }
    if (sync) await file.sync();
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
