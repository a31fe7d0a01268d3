import { matches, u32le, u64le } from "../binary";
import { InspectError } from "../errors";
import type { RandomAccessReader } from "../reader";
import { LruCache } from "../../lru";
import type { GuestRun } from "./guest-runs";
import { loadOnce } from "./load-once";
import { mappedDisk, type DiskMapper, type GuestDisk } from "./mapped-disk";

const FEATURE_BACKING = 1;
const KNOWN_FEATURES = 1 | 2 | 4;
/** An L2 entry of 1: a cluster that reads as zeros (qed_offset_is_zero_cluster). */
const ZERO_CLUSTER = 1;
const TABLE_PIECE = 4096;
const TABLE_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * The guest disk of a QED image (qemu's docs/interop/qed_spec.txt), read as qemu reads it: two
 * levels of tables of cluster offsets; 0 is unallocated, 1 a zero cluster; every offset must be
 * cluster-aligned, past the header and inside the file (qed_check_cluster_offset), or the read
 * fails. Images with a backing file are refused.
 */
export async function qedDisk(reader: RandomAccessReader): Promise<GuestDisk> {
  const h = await reader.read(0, 64);
  if (h.length < 64 || !matches(h, 0, "QED\0")) throw new InspectError("corrupt", "The QED header has no signature.");
  const clusterSize = u32le(h, 4);
  const tableClusters = u32le(h, 8);
  const headerBytes = u32le(h, 12) * clusterSize;
  const features = u64le(h, 16);
  const l1 = u64le(h, 40);
  const size = u64le(h, 48);
  if (features & FEATURE_BACKING) throw new InspectError("unsupported", "A QED image with a backing file needs that file.");
  if (features & ~KNOWN_FEATURES) throw new InspectError("unsupported", "The QED image uses features qemu does not know.");
  if (clusterSize < 4096 || clusterSize > 64 * 1024 * 1024 || (clusterSize & (clusterSize - 1)) !== 0 || ![1, 2, 4, 8, 16].includes(tableClusters))
    throw new InspectError("corrupt", `The QED cluster size ${clusterSize} or table size ${tableClusters} is outside what QED allows.`);
  const tableBytes = tableClusters * clusterSize;
  const perTable = tableBytes / 8;
  const valid = (offset: number) => offset % clusterSize === 0 && offset >= headerBytes && offset < reader.size;
  if (!valid(l1) || l1 + tableBytes > reader.size) throw new InspectError("corrupt", "The QED L1 table lies outside the file.");
  if (!Number.isSafeInteger(size) || size > perTable * perTable * clusterSize)
    throw new InspectError("corrupt", "The QED image is larger than its tables can map.");
  const tables = new LruCache<number, Promise<Uint8Array>>(TABLE_CACHE_BYTES / TABLE_PIECE);
  const entry = async (table: number, index: number) => {
    const byte = index * 8;
    const piece = Math.floor(byte / TABLE_PIECE) * TABLE_PIECE;
    const bytes = await loadOnce(tables, table + piece, () => reader.read(table + piece, TABLE_PIECE));
    return u64le(bytes, byte - piece);
  };
  const mapper: DiskMapper = {
    async map(guest): Promise<GuestRun> {
      const cluster = Math.floor(guest / clusterSize);
      const length = clusterSize - (guest - cluster * clusterSize);
      const l1Index = Math.floor(cluster / perTable);
      const l2 = await entry(l1, l1Index);
      if (l2 === 0) return { kind: "zero", length: (l1Index + 1) * perTable * clusterSize - guest };
      if (!valid(l2) || l2 + tableBytes > reader.size) throw new InspectError("corrupt", `QED L1 entry ${l1Index} points outside the file.`);
      const host = await entry(l2, cluster % perTable);
      if (host === 0 || host === ZERO_CLUSTER) return { kind: "zero", length };
      if (!valid(host)) throw new InspectError("corrupt", `The QED cluster of guest offset ${guest - (clusterSize - length)} lies outside the file.`);
      return { kind: "host", offset: host + clusterSize - length, length };
    },
  };
  return mappedDisk(reader, size, () => Promise.resolve(mapper));
}
