import { u32be } from "../binary";
import { InspectError } from "../errors";
import { headerFindings } from "../formats/qcow2/analyse";
import { compressedLocation, isCompressed, tableOffset, zeroFlag } from "../formats/qcow2/entries";
import { extendedL2, l1Coverage, l2EntryBytes, l2Entries, readQcow2Header, type Qcow2Header } from "../formats/qcow2/header";
import type { RandomAccessReader } from "../reader";
import { ByteSource } from "../source";
import { decompressInto } from "./decompress";
import type { GuestRun } from "./guest-runs";
import { mappedDisk, type DiskMapper, type GuestDisk } from "./mapped-disk";
import { LruCache } from "../../lru";
import { loadOnce } from "./load-once";

/** L1 pages and L2 table slices are read in pieces of this size; a 2 MiB L2 table is never read whole. */
const TABLE_PIECE = 16 * 1024;
const TABLE_CACHE_BYTES = 8 * 1024 * 1024;
const CLUSTER_CACHE_BYTES = 16 * 1024 * 1024;

/** The guest disk of a qcow2 image (docs/interop/qcow2.txt), read through its L1/L2 tables. */
export function qcow2Disk(reader: RandomAccessReader, size: number): GuestDisk {
  return mappedDisk(reader, size, () => Qcow2Mapper.open(reader));
}

class Qcow2Mapper implements DiskMapper {
  /** L1 and L2 table pieces, keyed by file offset; decompressed clusters, keyed by their compressed offset. */
  private readonly tables: LruCache<number, Promise<Uint8Array>>;
  private readonly clusters: LruCache<number, Promise<Uint8Array>>;
  private readonly perTable: number;
  private readonly entryBytes: number;
  private readonly coverage: number;
  private readonly ext: boolean;
  private readonly piece: number;

  private constructor(
    private readonly reader: RandomAccessReader,
    private readonly h: Qcow2Header,
  ) {
    this.perTable = l2Entries(h);
    this.entryBytes = l2EntryBytes(h);
    this.coverage = l1Coverage(h);
    this.ext = extendedL2(h);
    this.piece = Math.min(TABLE_PIECE, h.clusterSize);
    this.tables = new LruCache(Math.floor(TABLE_CACHE_BYTES / this.piece));
    this.clusters = new LruCache(Math.max(1, Math.floor(CLUSTER_CACHE_BYTES / h.clusterSize)));
  }

  static async open(reader: RandomAccessReader): Promise<Qcow2Mapper> {
    const h = await readQcow2Header(new ByteSource(reader, 16));
    const problem = headerFindings(h, reader.size, { depth: "full", maxVirtualSize: Number.POSITIVE_INFINITY, fileName: "disk.qcow2" }).find(
      (f) => f.status === "fail",
    );
    if (problem) throw new InspectError("unsupported", `The guest disk cannot be read: ${problem.message}`);
    return new Qcow2Mapper(reader, h);
  }

  /** Eight bytes of a table at `offset` (an L1 table or an L2 table), through the piece cache. */
  private async entry(tableStart: number, byteIndex: number, width: number, what: string): Promise<Uint8Array> {
    const pieceStart = tableStart + Math.floor(byteIndex / this.piece) * this.piece;
    if (pieceStart >= this.reader.size) throw new InspectError("truncated", `The ${what} at offset ${tableStart} lies past the end of the file.`);
    const bytes = await loadOnce(this.tables, pieceStart, () => this.reader.read(pieceStart, this.piece));
    const at = tableStart + byteIndex - pieceStart;
    if (at + width > bytes.length) throw new InspectError("truncated", `The ${what} at offset ${tableStart} runs past the end of the file.`);
    return bytes.subarray(at, at + width);
  }

  async map(guest: number): Promise<GuestRun> {
    const { h } = this;
    const cluster = Math.floor(guest / h.clusterSize);
    const inCluster = guest - cluster * h.clusterSize;
    const toClusterEnd = h.clusterSize - inCluster;
    const l1Index = Math.floor(cluster / this.perTable);
    if (l1Index >= h.l1Size) return { kind: "zero", length: toClusterEnd };
    const l1 = await this.entry(h.l1TableOffset, l1Index * 8, 8, "L1 table");
    const l2Offset = tableOffset(u32be(l1, 0), u32be(l1, 4));
    if (l2Offset === 0) return { kind: "zero", length: (l1Index + 1) * this.coverage - guest };
    if (l2Offset % h.clusterSize !== 0) throw new InspectError("corrupt", `L1 entry ${l1Index} points to an unaligned L2 table (offset ${l2Offset}).`);
    const e = await this.entry(l2Offset, (cluster % this.perTable) * this.entryBytes, this.entryBytes, "L2 table");
    const hi = u32be(e, 0);
    const lo = u32be(e, 4);
    if (isCompressed(hi)) {
      const { offset, length } = compressedLocation(h, hi, lo);
      const data = await loadOnce(this.clusters, offset, () => this.decompress(offset, length));
      return { kind: "bytes", bytes: data.subarray(inCluster), length: toClusterEnd };
    }
    const host = tableOffset(hi, lo);
    if (!this.ext) {
      if (host === 0 || zeroFlag(lo)) return { kind: "zero", length: toClusterEnd };
      return this.data(host, inCluster, toClusterEnd);
    }
    const zeroBits = u32be(e, 8);
    const allocBits = u32be(e, 12);
    if ((zeroBits & allocBits) !== 0 || (host === 0 && allocBits !== 0)) {
      throw new InspectError("corrupt", `The extended L2 entry for guest offset ${guest - inCluster} has an impossible subcluster bitmap.`);
    }
    const subSize = h.clusterSize / 32;
    const sub = Math.floor(inCluster / subSize);
    const toSubEnd = subSize - (inCluster - sub * subSize);
    if (((allocBits >>> sub) & 1) === 0) return { kind: "zero", length: toSubEnd };
    return this.data(host, inCluster, toSubEnd);
  }

  private data(host: number, inCluster: number, length: number): GuestRun {
    if (host % this.h.clusterSize !== 0) throw new InspectError("corrupt", `An L2 entry points to an unaligned host cluster (offset ${host}).`);
    return { kind: "host", offset: host + inCluster, length };
  }

  private async decompress(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= this.reader.size) throw new InspectError("truncated", `The compressed cluster at offset ${offset} lies past the end of the file.`);
    const compressed = await this.reader.read(offset, length);
    const codec = this.h.compressionType === 1 ? "zstd" : "deflate";
    const data = decompressInto(codec, compressed, this.h.clusterSize, "QCOW2 cluster");
    if (data.length < this.h.clusterSize)
      throw new InspectError("corrupt", `The compressed cluster at offset ${offset} decompresses to ${data.length} bytes, less than a cluster.`);
    return data;
  }
}
